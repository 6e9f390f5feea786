package org.noiselab.engine.model;

import org.jspecify.annotations.Nullable;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.toys.GaussianMixture;
import org.noiselab.toys.ToyDataset;

/**
 * The exact denoiser of a toy distribution: {@code eps_hat(x, lambda) = E[eps | x_t = x]} computed in closed form from
 * the dataset's Gaussian mixture at {@code abar = sigmoid(lambda)} (see {@link GaussianMixture}). For a labelled
 * dataset it is conditional: class {@code c} uses {@code p(x | c)}, and the null class uses the full mixture, so
 * classifier-free guidance of the oracle is exact too.
 *
 * <p>Stateless and thread-safe; computed in double precision.
 */
public final class OracleDenoiser implements Denoiser {

    private final ToyDataset dataset;
    private final GaussianMixture[] classMixtures;

    public OracleDenoiser(ToyDataset dataset) {
        this.dataset = dataset;
        this.classMixtures = new GaussianMixture[dataset.labelled() ? dataset.classCount() : 0];
        for (int c = 0; c < classMixtures.length; c++) {
            classMixtures[c] = dataset.classMixture(c);
        }
    }

    /** The dataset whose exact denoiser this is. */
    public ToyDataset dataset() {
        return dataset;
    }

    @Override
    public int dim() {
        return dataset.dim();
    }

    @Override
    public int classCount() {
        return classMixtures.length;
    }

    @Override
    public void predictEps(float[] x, float[] logSnr, int @Nullable [] labels, int n, float[] out) {
        if (labels == null || classMixtures.length == 0) {
            write(dataset.mixture(), x, logSnr, 0, n, out);
            return;
        }
        int start = 0;
        while (start < n) {
            int end = start + 1;
            while (end < n && labels[end] == labels[start]) {
                end++;
            }
            int label = labels[start];
            if (label < 0 || label > classMixtures.length) {
                throw new IllegalArgumentException("label " + label + " outside 0.." + classMixtures.length);
            }
            GaussianMixture m = label == classMixtures.length ? dataset.mixture() : classMixtures[label];
            write(m, x, logSnr, start, end - start, out);
            start = end;
        }
    }

    private static void write(GaussianMixture m, float[] x, float[] logSnr, int start, int n, float[] out) {
        int d = m.dim();
        double[] xs = new double[n * d];
        double[] abar = new double[n];
        for (int i = 0; i < n * d; i++) {
            xs[i] = x[start * d + i];
        }
        for (int i = 0; i < n; i++) {
            abar[i] = NoiseSchedule.alphaBarOfLogSnr(logSnr[start + i]);
        }
        double[] eps = m.epsPosteriorMean(xs, abar, n);
        for (int i = 0; i < n * d; i++) {
            out[start * d + i] = (float) eps[i];
        }
    }
}
