package org.noiselab.engine.objective;

import java.util.SplittableRandom;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.data.TrainingBatch;
import org.noiselab.engine.kernel.VectorMath;
import org.noiselab.engine.model.TrainableClassifier;
import org.noiselab.engine.model.TrainableModel;
import org.noiselab.engine.schedule.NoiseSchedule;

/**
 * The CDM objective (Yadin, Elata and Michaeli 2024, Algorithm 1) for a {@link TrainableClassifier}: draw
 * {@code t ~ U{0..T+1}} (with {@code abar_0 = 1}, {@code abar_{T+1} = 0}) and {@code eps ~ N(0, I)}, noise
 * {@code x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps}, and minimise
 * {@code w_ce CE(t, f(x_t)) + w_mse |eps - sqrt(1 - abar_t)(grad_x F(x_t, t) + x_t)|^2}, both averaged over the batch.
 *
 * <p>Gradients sent back: {@code dL/df = w_ce (softmax(f) - onehot(t)) / n} and
 * {@code dL/d grad_x F = 2 w_mse sqrt(1 - abar_t) (eps_hat - eps) / n}; the classifier's double backward does the rest.
 */
public final class CdmLoss implements DiffusionLoss {

    private final ObjectiveSpec.Cdm spec;
    private final int levels;
    private final double[] sqrtAlphaBar;
    private final float[] sigma;
    private float[] xt = new float[0];
    private float[] eps = new float[0];
    private float[] gap = new float[0];
    private float[] logits = new float[0];
    private int[] level = new int[0];
    private double lastCrossEntropy;
    private double lastSquaredError;

    public CdmLoss(ObjectiveSpec.Cdm spec, NoiseSchedule schedule) {
        this.spec = spec;
        this.levels = schedule.steps() + 2;
        sqrtAlphaBar = new double[levels];
        sigma = new float[levels];
        for (int t = 0; t < levels; t++) {
            sqrtAlphaBar[t] = Math.sqrt(schedule.alphaBar(t));
            sigma[t] = (float) schedule.sigma(t);
        }
    }

    @Override
    public ObjectiveSpec spec() {
        return spec;
    }

    /** Mean cross-entropy of the last batch (nats). */
    public double lastCrossEntropy() {
        return lastCrossEntropy;
    }

    /** Mean squared denoising error of the last batch. */
    public double lastSquaredError() {
        return lastSquaredError;
    }

    @Override
    public double lossAndGradient(TrainableModel model, TrainingBatch batch, SplittableRandom rng) {
        if (!(model instanceof TrainableClassifier classifier)) {
            throw new InvalidConfigException("objective", "cdm", "needs a noise-level classifier, not a "
                    + model.spec().kind());
        }
        if (classifier.levels() != levels) {
            throw new InvalidConfigException("model.levels", classifier.levels(), "the schedule has " + levels
                    + " levels (T + 2)");
        }
        int n = batch.n();
        int d = batch.dim();
        ensure(n, d);
        float[] x0 = batch.x0();
        for (int i = 0; i < n; i++) {
            int t = rng.nextInt(levels);
            level[i] = t;
            for (int j = 0; j < d; j++) {
                int k = i * d + j;
                float e = (float) rng.nextGaussian();
                eps[k] = e;
                xt[k] = (float) (sqrtAlphaBar[t] * x0[k] + sigma[t] * e);
            }
        }
        classifier.forwardForTraining(xt, level, batch.labels(), n, logits, gap);
        double crossEntropy = crossEntropyAndGradient(n, (float) (spec.ceWeight() / n));
        double squaredError = 0;
        float scale = (float) (2 * spec.mseWeight() / n);
        for (int i = 0; i < n; i++) {
            float s = sigma[level[i]];
            for (int j = 0; j < d; j++) {
                int k = i * d + j;
                float diff = s * (gap[k] + xt[k]) - eps[k];
                squaredError += (double) diff * diff;
                gap[k] = scale * s * diff;
            }
        }
        classifier.backward(logits, gap);
        lastCrossEntropy = crossEntropy / n;
        lastSquaredError = squaredError / n;
        return spec.ceWeight() * lastCrossEntropy + spec.mseWeight() * lastSquaredError;
    }

    /**
     * Sums the cross-entropy of the rows and overwrites the logits with {@code scale (softmax - onehot)}. The
     * exponentials use {@link VectorMath}, so a replayed run reproduces its losses bit for bit.
     */
    private double crossEntropyAndGradient(int n, float scale) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            int row = i * levels;
            float max = Float.NEGATIVE_INFINITY;
            for (int t = 0; t < levels; t++) {
                max = Math.max(max, logits[row + t]);
            }
            for (int t = 0; t < levels; t++) {
                logits[row + t] -= max;
            }
            float target = logits[row + level[i]];
            VectorMath.expScaled(logits, 1f, logits, row, row + levels);
            double sum = 0;
            for (int t = 0; t < levels; t++) {
                sum += logits[row + t];
            }
            total += StrictMath.log(sum) - target;
            float inverse = (float) (scale / sum);
            for (int t = 0; t < levels; t++) {
                logits[row + t] *= inverse;
            }
            logits[row + level[i]] -= scale;
        }
        return total;
    }

    private void ensure(int n, int d) {
        if (level.length < n) {
            level = new int[n];
        }
        if (xt.length < n * d) {
            xt = new float[n * d];
            eps = new float[n * d];
            gap = new float[n * d];
        }
        if (logits.length < n * levels) {
            logits = new float[n * levels];
        }
    }
}
