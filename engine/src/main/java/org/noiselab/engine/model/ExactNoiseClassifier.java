package org.noiselab.engine.model;

import org.jspecify.annotations.Nullable;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.toys.GaussianMixture;
import org.noiselab.toys.ToyDataset;

/**
 * The optimal noise-level classifier of a toy distribution: with a uniform prior over {@code t = 0..T+1},
 * {@code log p(t | x) = log q_t(x) - logsumexp_s log q_s(x)}, where {@code q_t} is the exact noised mixture at
 * {@code abar_t} ({@code q_0} the data, {@code q_{T+1} = N(0, I)}). Its logits are {@code log q_t(x)} and the level gap
 * gradient is {@code grad F(x, t) = grad log q_{T+1}(x) - grad log q_t(x) = -x - score_t(x)}, in closed form.
 *
 * <p>For a labelled dataset the classifier is conditional, like {@link OracleDenoiser}: class c uses
 * {@code p(x | c)} and the null class the full mixture. Thread-safe; computed in double precision.
 */
public final class ExactNoiseClassifier implements NoiseLevelClassifier {

    private final ToyDataset dataset;
    private final int dim;
    /** {@code noised[c][t]}: mixture of class c (the last index: all data) noised to level t. */
    private final GaussianMixture[][] noised;

    public ExactNoiseClassifier(ToyDataset dataset, NoiseSchedule schedule) {
        this.dataset = dataset;
        this.dim = dataset.dim();
        int classes = dataset.labelled() ? dataset.classCount() : 0;
        int levels = schedule.steps() + 2;
        noised = new GaussianMixture[classes + 1][levels];
        for (int c = 0; c <= classes; c++) {
            GaussianMixture m = c == classes ? dataset.mixture() : dataset.classMixture(c);
            for (int t = 0; t < levels; t++) {
                noised[c][t] = m.noised(schedule.alphaBar(t));
            }
        }
    }

    /** The dataset whose exact classifier this is. */
    public ToyDataset dataset() {
        return dataset;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public int levels() {
        return noised[0].length;
    }

    @Override
    public int classCount() {
        return noised.length - 1;
    }

    @Override
    public void logits(float[] x, int @Nullable [] labels, int n, float[] out) {
        int levels = levels();
        double[] point = new double[dim];
        for (int i = 0; i < n; i++) {
            GaussianMixture[] row = noised[classOf(labels, i)];
            for (int j = 0; j < dim; j++) {
                point[j] = x[i * dim + j];
            }
            for (int t = 0; t < levels; t++) {
                out[i * levels + t] = (float) row[t].logDensity(point);
            }
        }
    }

    @Override
    public void levelGapGradient(float[] x, float[] level, int @Nullable [] labels, int n, float[] out) {
        double[] point = new double[dim];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                point[j] = x[i * dim + j];
            }
            GaussianMixture[] row = noised[classOf(labels, i)];
            int lower = Math.min((int) Math.floor(level[i]), levels() - 2);
            double w = level[i] - lower;
            double[] low = row[lower].score(point, 1);
            double[] high = row[lower + 1].score(point, 1);
            for (int j = 0; j < dim; j++) {
                double score = (1 - w) * low[j] + w * high[j];
                out[i * dim + j] = (float) (-point[j] - score);
            }
        }
    }

    private int classOf(int @Nullable [] labels, int row) {
        int classes = noised.length - 1;
        if (labels == null || classes == 0) {
            return classes;
        }
        int c = labels[row];
        if (c < 0 || c > classes) {
            throw new IllegalArgumentException("label " + c + " outside 0.." + classes);
        }
        return c;
    }
}
