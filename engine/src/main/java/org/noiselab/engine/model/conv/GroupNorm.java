package org.noiselab.engine.model.conv;

/**
 * Group normalisation (Wu and He 2018) on NHWC activations: per image and group of {@code c / groups} channels,
 * {@code y = gamma_c (x - mu) / sqrt(var + 1e-5) + beta_c} with mean and (biased) variance over the group's channels
 * and all pixels. Backward: with {@code xhat = (x - mu) r}, {@code r = 1/sqrt(var + eps)} and
 * {@code g = gamma dL/dy}, {@code dL/dx = r (g - mean(g) - xhat mean(g xhat))}, means over the group.
 */
public final class GroupNorm {

    private static final double EPS = 1e-5;

    private final int pixels;
    private final int channels;
    private final int groups;
    private final int gammaOffset;
    private final int betaOffset;
    private double[] mean = new double[0];
    private double[] rstd = new double[0];

    /** Registers {@code name.weight} (gamma) and {@code name.bias} (beta). */
    public GroupNorm(ParameterLayout layout, String name, int pixels, int channels, int groups) {
        if (groups < 1 || channels % groups != 0) {
            throw new IllegalArgumentException(channels + " channels do not split into " + groups + " groups");
        }
        this.pixels = pixels;
        this.channels = channels;
        this.groups = groups;
        this.gammaOffset = layout.add(name + ".weight", channels);
        this.betaOffset = layout.add(name + ".bias", channels);
    }

    /** gamma = 1, beta = 0. */
    public void initialise(float[] theta) {
        java.util.Arrays.fill(theta, gammaOffset, gammaOffset + channels, 1f);
        java.util.Arrays.fill(theta, betaOffset, betaOffset + channels, 0f);
    }

    /** Normalises n images of {@code x} into {@code out}, keeping the statistics for {@link #backward}. */
    public void forward(float[] theta, float[] x, int n, float[] out) {
        if (mean.length < n * groups) {
            mean = new double[n * groups];
            rstd = new double[n * groups];
        }
        int per = channels / groups;
        double count = (double) pixels * per;
        double[] sum = new double[groups];
        for (int i = 0; i < n; i++) {
            int base = i * pixels * channels;
            java.util.Arrays.fill(sum, 0);
            for (int p = 0; p < pixels; p++) {
                int o = base + p * channels;
                for (int c = 0; c < channels; c++) {
                    sum[c / per] += x[o + c];
                }
            }
            for (int g = 0; g < groups; g++) {
                mean[i * groups + g] = sum[g] / count;
            }
            java.util.Arrays.fill(sum, 0);
            for (int p = 0; p < pixels; p++) {
                int o = base + p * channels;
                for (int c = 0; c < channels; c++) {
                    double d = x[o + c] - mean[i * groups + c / per];
                    sum[c / per] += d * d;
                }
            }
            for (int g = 0; g < groups; g++) {
                rstd[i * groups + g] = 1 / Math.sqrt(sum[g] / count + EPS);
            }
            for (int p = 0; p < pixels; p++) {
                int o = base + p * channels;
                for (int c = 0; c < channels; c++) {
                    int g = i * groups + c / per;
                    out[o + c] = (float) ((x[o + c] - mean[g]) * rstd[g]) * theta[gammaOffset + c]
                            + theta[betaOffset + c];
                }
            }
        }
    }

    /** Adds gamma and beta gradients to {@code grad} and writes {@code dL/dx}; {@code x} is the forward input. */
    public void backward(float[] theta, float[] grad, float[] x, float[] gradOut, int n, float[] gradIn) {
        int per = channels / groups;
        double count = (double) pixels * per;
        double[] meanG = new double[groups];
        double[] meanGx = new double[groups];
        double[] dGamma = new double[channels];
        double[] dBeta = new double[channels];
        for (int i = 0; i < n; i++) {
            int base = i * pixels * channels;
            java.util.Arrays.fill(meanG, 0);
            java.util.Arrays.fill(meanGx, 0);
            for (int p = 0; p < pixels; p++) {
                int o = base + p * channels;
                for (int c = 0; c < channels; c++) {
                    int g = i * groups + c / per;
                    double xhat = (x[o + c] - mean[g]) * rstd[g];
                    double dy = gradOut[o + c];
                    dGamma[c] += dy * xhat;
                    dBeta[c] += dy;
                    double gx = dy * theta[gammaOffset + c];
                    meanG[c / per] += gx;
                    meanGx[c / per] += gx * xhat;
                }
            }
            for (int g = 0; g < groups; g++) {
                meanG[g] /= count;
                meanGx[g] /= count;
            }
            for (int p = 0; p < pixels; p++) {
                int o = base + p * channels;
                for (int c = 0; c < channels; c++) {
                    int g = i * groups + c / per;
                    double xhat = (x[o + c] - mean[g]) * rstd[g];
                    double gx = gradOut[o + c] * theta[gammaOffset + c];
                    gradIn[o + c] = (float) (rstd[g] * (gx - meanG[c / per] - xhat * meanGx[c / per]));
                }
            }
        }
        for (int c = 0; c < channels; c++) {
            grad[gammaOffset + c] += (float) dGamma[c];
            grad[betaOffset + c] += (float) dBeta[c];
        }
    }
}
