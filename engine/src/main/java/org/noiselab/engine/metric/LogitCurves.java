package org.noiselab.engine.metric;

import java.util.SplittableRandom;
import org.noiselab.engine.model.NoiseLevelClassifier;
import org.noiselab.engine.schedule.NoiseSchedule;

/**
 * The CDM paper's figure 3: for a clean point {@code x_0} noised to a level t, the classifier's
 * {@code log p(t' | x_t)} against every level t' (log-softmax of the logits), averaged over noise draws; and two
 * summaries of such a curve used by the ablation: how monotone it is away from its peak, and how far it lies above
 * the exact curve far from the true level (where, the paper says, cross-entropy alone leaves logits too high).
 */
public final class LogitCurves {

    private LogitCurves() {
    }

    /**
     * {@code log p(t' | x_t)} for {@code t' = 0..T+1}, averaged over {@code draws} noisings of {@code x0} to
     * level {@code t}.
     */
    public static double[] curve(NoiseLevelClassifier classifier, NoiseSchedule schedule, float[] x0, int t,
                                 int draws, long seed) {
        int levels = classifier.levels();
        int d = classifier.dim();
        if (t < 0 || t >= levels) {
            throw new IllegalArgumentException("level " + t + " outside 0.." + (levels - 1));
        }
        if (x0.length != d || draws < 1) {
            throw new IllegalArgumentException("need a " + d + "-dimensional point and at least one draw");
        }
        float[] xt = noised(schedule, x0, t, draws, seed);
        float[] logits = new float[draws * levels];
        classifier.logits(xt, null, draws, logits);
        double[] mean = new double[levels];
        for (int i = 0; i < draws; i++) {
            double[] row = logSoftmax(logits, i * levels, levels);
            for (int u = 0; u < levels; u++) {
                mean[u] += row[u] / draws;
            }
        }
        return mean;
    }

    /** {@code x0} noised to level {@code t}: the point {@link #curve} with one draw and this seed evaluates. */
    public static float[] noised(NoiseSchedule schedule, float[] x0, int t, long seed) {
        return noised(schedule, x0, t, 1, seed);
    }

    private static float[] noised(NoiseSchedule schedule, float[] x0, int t, int draws, long seed) {
        int d = x0.length;
        SplittableRandom rng = new SplittableRandom(seed);
        float[] xt = new float[draws * d];
        double a = Math.sqrt(schedule.alphaBar(t));
        double s = schedule.sigma(t);
        for (int i = 0; i < draws; i++) {
            for (int j = 0; j < d; j++) {
                xt[i * d + j] = (float) (a * x0[j] + s * rng.nextGaussian());
            }
        }
        return xt;
    }

    /** {@code log softmax} of {@code levels} logits starting at {@code offset}. */
    public static double[] logSoftmax(float[] logits, int offset, int levels) {
        double max = Double.NEGATIVE_INFINITY;
        for (int u = 0; u < levels; u++) {
            max = Math.max(max, logits[offset + u]);
        }
        double sum = 0;
        for (int u = 0; u < levels; u++) {
            sum += Math.exp(logits[offset + u] - max);
        }
        double log = max + Math.log(sum);
        double[] out = new double[levels];
        for (int u = 0; u < levels; u++) {
            out[u] = logits[offset + u] - log;
        }
        return out;
    }

    /** Level stride of {@link #monotoneFraction(double[])}: the scale at which a curve is seen in a plot. */
    public static final int MONOTONE_STRIDE = 20;

    /**
     * The fraction of steps of {@link #MONOTONE_STRIDE} levels that go downhill away from the curve's peak: 1 for a
     * unimodal curve, lower for one that rises again far from its maximum (steps across the peak are not counted).
     * Adjacent levels of a 1000-step schedule differ by less than a learned curve's wiggle, so a one-level stride
     * would call every learned curve half non-monotone.
     */
    public static double monotoneFraction(double[] curve) {
        return monotoneFraction(curve, MONOTONE_STRIDE);
    }

    /** {@link #monotoneFraction(double[])} at a given level stride. */
    public static double monotoneFraction(double[] curve, int stride) {
        if (stride < 1) {
            throw new IllegalArgumentException("stride must be positive: " + stride);
        }
        int peak = 0;
        for (int u = 1; u < curve.length; u++) {
            peak = curve[u] > curve[peak] ? u : peak;
        }
        int good = 0;
        int steps = 0;
        for (int u = peak % stride; u + stride < curve.length; u += stride) {
            int v = u + stride;
            if (v <= peak || u >= peak) {
                boolean downhill = v <= peak ? curve[v] >= curve[u] : curve[v] <= curve[u];
                good += downhill ? 1 : 0;
                steps++;
            }
        }
        return steps == 0 ? 1 : (double) good / steps;
    }

    /** Mean of {@code model - exact} over levels more than {@code distance} away from {@code t}. */
    public static double farExcess(double[] model, double[] exact, int t, int distance) {
        double sum = 0;
        int count = 0;
        for (int u = 0; u < model.length; u++) {
            if (Math.abs(u - t) > distance) {
                sum += model[u] - exact[u];
                count++;
            }
        }
        return count == 0 ? 0 : sum / count;
    }
}
