package org.noiselab.engine.model.layer;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.noiselab.engine.kernel.Parallelism;

/**
 * Group normalisation (Wu and He 2018) on NHWC activations: per image and group of {@code c / groups} channels,
 * {@code y = gamma_c (x - mu) r + beta_c} with {@code r = 1/sqrt(var + 1e-5)}, mean and (biased) variance over the
 * group's channels and all pixels. Backward, with {@code xhat = (x - mu) r} and {@code g = gamma dL/dy}:
 * {@code dL/dx = r (g - mean(g) - xhat mean(g xhat))}, means over the group.
 *
 * <p>Both passes reduce to per-channel sums over pixels and one per-channel affine map, so they run as vector loops
 * over channels, images split across {@link Parallelism} threads.
 */
public final class GroupNorm {

    private static final double EPS = 1e-5;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

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
        Parallelism.forItems(n, (share, from, to) -> {
            float[] sums = new float[channels];
            float[] centre = new float[channels];
            float[] scale = new float[channels];
            float[] shift = new float[channels];
            for (int i = from; i < to; i++) {
                int base = i * pixels * channels;
                channelSums(x, base, sums);
                for (int g = 0; g < groups; g++) {
                    double m = groupSum(sums, g, per) / count;
                    mean[i * groups + g] = m;
                    java.util.Arrays.fill(centre, g * per, (g + 1) * per, (float) m);
                }
                squaredDeviations(x, base, centre, sums);
                for (int g = 0; g < groups; g++) {
                    double r = 1 / Math.sqrt(groupSum(sums, g, per) / count + EPS);
                    rstd[i * groups + g] = r;
                    for (int c = g * per; c < (g + 1) * per; c++) {
                        double s = r * theta[gammaOffset + c];
                        scale[c] = (float) s;
                        shift[c] = (float) (theta[betaOffset + c] - mean[i * groups + g] * s);
                    }
                }
                affine(x, base, null, scale, null, shift, out);
            }
        });
    }

    /**
     * Adds gamma and beta gradients to {@code grad} (unless null) and writes {@code dL/dx} ({@code gradIn} may be
     * {@code gradOut}).
     */
    public void backward(float[] theta, float[] grad, float[] x, float[] gradOut, int n, float[] gradIn) {
        int per = channels / groups;
        double count = (double) pixels * per;
        int shares = Math.max(1, Math.min(Parallelism.threads(), n));
        double[][] paramGrads = new double[shares][2 * channels];
        Parallelism.forItems(n, (share, from, to) -> {
            float[] s1 = new float[channels];
            float[] s2 = new float[channels];
            float[] a = new float[channels];
            float[] b = new float[channels];
            float[] c0 = new float[channels];
            double[] acc = paramGrads[share];
            for (int i = from; i < to; i++) {
                int base = i * pixels * channels;
                channelSums(gradOut, x, base, s1, s2);
                for (int g = 0; g < groups; g++) {
                    double m = mean[i * groups + g];
                    double r = rstd[i * groups + g];
                    double meanG = 0;
                    double meanGx = 0;
                    for (int c = g * per; c < (g + 1) * per; c++) {
                        double gamma = theta[gammaOffset + c];
                        double dGamma = r * (s2[c] - m * s1[c]);
                        acc[c] += dGamma;
                        acc[channels + c] += s1[c];
                        meanG += gamma * s1[c];
                        meanGx += gamma * dGamma;
                    }
                    meanG /= count;
                    meanGx /= count;
                    for (int c = g * per; c < (g + 1) * per; c++) {
                        a[c] = (float) (r * theta[gammaOffset + c]);
                        b[c] = (float) (-r * r * meanGx);
                        c0[c] = (float) (r * (r * m * meanGx - meanG));
                    }
                }
                affine(gradOut, base, x, a, b, c0, gradIn);
            }
        });
        for (double[] acc : grad == null ? new double[0][] : paramGrads) {
            for (int c = 0; c < channels; c++) {
                grad[gammaOffset + c] += (float) acc[c];
                grad[betaOffset + c] += (float) acc[channels + c];
            }
        }
    }

    private double groupSum(float[] perChannel, int g, int per) {
        double s = 0;
        for (int c = g * per; c < (g + 1) * per; c++) {
            s += perChannel[c];
        }
        return s;
    }

    /** {@code s1[c] = sum_p u[p, c]}. */
    private void channelSums(float[] u, int base, float[] s1) {
        int full = channels - channels % S.length();
        for (int c = 0; c < full; c += S.length()) {
            FloatVector a1 = FloatVector.zero(S);
            for (int p = 0, o = base + c; p < pixels; p++, o += channels) {
                a1 = a1.add(FloatVector.fromArray(S, u, o));
            }
            a1.intoArray(s1, c);
        }
        for (int c = full; c < channels; c++) {
            float a = 0;
            for (int p = 0; p < pixels; p++) {
                a += u[base + p * channels + c];
            }
            s1[c] = a;
        }
    }

    /** {@code s1[c] = sum_p u[p, c]} and {@code s2[c] = sum_p u[p, c] v[p, c]}. */
    private void channelSums(float[] u, float[] v, int base, float[] s1, float[] s2) {
        int full = channels - channels % S.length();
        for (int c = 0; c < full; c += S.length()) {
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            for (int p = 0, o = base + c; p < pixels; p++, o += channels) {
                FloatVector uv = FloatVector.fromArray(S, u, o);
                a1 = a1.add(uv);
                a2 = uv.fma(FloatVector.fromArray(S, v, o), a2);
            }
            a1.intoArray(s1, c);
            a2.intoArray(s2, c);
        }
        for (int c = full; c < channels; c++) {
            float a = 0;
            float b = 0;
            for (int p = 0; p < pixels; p++) {
                int o = base + p * channels + c;
                a += u[o];
                b += u[o] * v[o];
            }
            s1[c] = a;
            s2[c] = b;
        }
    }

    /** {@code sums[c] = sum_p (x[p, c] - centre[c])^2}. */
    private void squaredDeviations(float[] x, int base, float[] centre, float[] sums) {
        java.util.Arrays.fill(sums, 0f);
        int full = channels - channels % S.length();
        for (int c = 0; c < full; c += S.length()) {
            FloatVector m = FloatVector.fromArray(S, centre, c);
            FloatVector acc = FloatVector.zero(S);
            for (int p = 0, o = base + c; p < pixels; p++, o += channels) {
                FloatVector d = FloatVector.fromArray(S, x, o).sub(m);
                acc = d.fma(d, acc);
            }
            acc.intoArray(sums, c);
        }
        for (int p = 0; p < pixels; p++) {
            for (int c = full; c < channels; c++) {
                float d = x[base + p * channels + c] - centre[c];
                sums[c] += d * d;
            }
        }
    }

    /** {@code out[p, c] = u[p, c] a[c] + (v == null ? 0 : v[p, c] b[c]) + c0[c]} over one image. */
    private void affine(float[] u, int base, float[] v, float[] a, float[] b, float[] c0, float[] out) {
        int full = channels - channels % S.length();
        for (int p = 0; p < pixels; p++) {
            int o = base + p * channels;
            for (int c = 0; c < full; c += S.length()) {
                FloatVector r = FloatVector.fromArray(S, u, o + c).fma(FloatVector.fromArray(S, a, c),
                        FloatVector.fromArray(S, c0, c));
                if (v != null) {
                    r = FloatVector.fromArray(S, v, o + c).fma(FloatVector.fromArray(S, b, c), r);
                }
                r.intoArray(out, o + c);
            }
            for (int c = full; c < channels; c++) {
                float r = u[o + c] * a[c] + c0[c];
                out[o + c] = v == null ? r : r + v[o + c] * b[c];
            }
        }
    }
}
