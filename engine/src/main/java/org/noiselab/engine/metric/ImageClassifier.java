package org.noiselab.engine.metric;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.noiselab.engine.model.layer.Activation;
import org.noiselab.engine.model.layer.ChannelOps;
import org.noiselab.engine.model.layer.ConvLayer;
import org.noiselab.engine.model.layer.Dense;
import org.noiselab.engine.model.layer.ParameterLayout;

/**
 * A small convolutional image classifier, the judge of generated images (an offline sample-quality measure, not the
 * Inception network): {@code conv3x3(16) - silu - pool - conv3x3(32) - silu - pool - conv3x3(64) - silu -
 * global mean} gives a 64-value feature vector (what {@link FrechetDistance} compares), and a linear layer gives
 * the class logits. Trained with cross-entropy ({@link ImageClassifierTraining}); images arrive channel-major in
 * [-1, 1], height and width divisible by 4.
 *
 * <p>Not thread-safe: it keeps activations for the backward pass.
 */
public final class ImageClassifier {

    /** Length of the feature vector. */
    public static final int FEATURES = 64;
    private static final int CHUNK = 128;

    private final int channels;
    private final int height;
    private final int width;
    private final int classes;
    private final ParameterLayout layout = new ParameterLayout();
    private final ConvLayer conv1;
    private final ConvLayer conv2;
    private final ConvLayer conv3;
    private final Dense readout;
    private final float[] theta;
    private final float[] grad;
    private int capacity;
    private float[] input;
    private float[] z1;
    private float[] a1;
    private float[] p1;
    private float[] z2;
    private float[] a2;
    private float[] p2;
    private float[] z3;
    private float[] a3;
    private float[] features;
    private float[] logits;
    private float[] scratch;

    private ImageClassifier(int channels, int height, int width, int classes, float[] theta) {
        if (height % 4 != 0 || width % 4 != 0 || height < 4 || width < 4) {
            throw new IllegalArgumentException("image size " + width + "x" + height + ": both sides must be positive"
                    + " multiples of 4");
        }
        if (classes < 2 || channels < 1 || channels > 4) {
            throw new IllegalArgumentException(classes + " classes, " + channels + " channels: need 2+ classes, 1-4"
                    + " channels");
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classes = classes;
        conv1 = new ConvLayer(layout, "conv1", 3, height, width, channels, 16);
        conv2 = new ConvLayer(layout, "conv2", 3, height / 2, width / 2, 16, 32);
        conv3 = new ConvLayer(layout, "conv3", 3, height / 4, width / 4, 32, FEATURES);
        readout = new Dense(layout, "readout", FEATURES, classes);
        if (theta != null && theta.length != layout.size()) {
            throw new IllegalArgumentException("parameter vector of " + theta.length + " values; the classifier needs "
                    + layout.size());
        }
        this.theta = theta == null ? new float[layout.size()] : theta;
        this.grad = new float[layout.size()];
    }

    /** A freshly initialised classifier. */
    public static ImageClassifier initialise(int channels, int height, int width, int classes, long seed) {
        ImageClassifier c = new ImageClassifier(channels, height, width, classes, null);
        SplittableRandom rng = new SplittableRandom(seed);
        c.conv1.initialise(c.theta, 1, rng);
        c.conv2.initialise(c.theta, 1, rng);
        c.conv3.initialise(c.theta, 1, rng);
        c.readout.initialise(c.theta, 1, rng);
        return c;
    }

    /** A classifier holding (not copying) the given parameters. */
    public static ImageClassifier of(int channels, int height, int width, int classes, float[] parameters) {
        return new ImageClassifier(channels, height, width, classes, parameters);
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int classes() {
        return classes;
    }

    /** The named tensors of the parameter vector. */
    public ParameterLayout layout() {
        return layout;
    }

    /** The live parameters. */
    public float[] parameters() {
        return theta;
    }

    /** The live gradient of the last {@link #lossAndGradient}. */
    public float[] gradients() {
        return grad;
    }

    /**
     * Mean cross-entropy of a batch; leaves its gradient in {@link #gradients()}.
     *
     * @param x      {@code n} images, channel-major
     * @param labels their classes
     */
    public double lossAndGradient(float[] x, int[] labels, int n) {
        forward(x, n);
        float[] dLogits = new float[n * classes];
        double loss = 0;
        for (int i = 0; i < n; i++) {
            int o = i * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                max = Math.max(max, logits[o + k]);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                sum += Math.exp(logits[o + k] - max);
            }
            double logZ = max + Math.log(sum);
            loss += logZ - logits[o + labels[i]];
            for (int k = 0; k < classes; k++) {
                dLogits[o + k] = (float) ((Math.exp(logits[o + k] - logZ) - (k == labels[i] ? 1 : 0)) / n);
            }
        }
        backward(dLogits, n);
        return loss / n;
    }

    /**
     * Logits ({@code n x classes}) and features ({@code n x} {@value #FEATURES}) of n images; either output may be
     * null.
     */
    public void evaluate(float[] x, int n, float[] logitsOut, float[] featuresOut) {
        int dim = channels * height * width;
        float[] chunk = new float[Math.min(n, CHUNK) * dim];
        for (int start = 0; start < n; start += CHUNK) {
            int m = Math.min(CHUNK, n - start);
            System.arraycopy(x, start * dim, chunk, 0, m * dim);
            forward(chunk, m);
            if (logitsOut != null) {
                System.arraycopy(logits, 0, logitsOut, start * classes, m * classes);
            }
            if (featuresOut != null) {
                System.arraycopy(features, 0, featuresOut, start * FEATURES, m * FEATURES);
            }
        }
    }

    /** The most likely class of each of n images. */
    public int[] predict(float[] x, int n) {
        float[] l = new float[n * classes];
        evaluate(x, n, l, null);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int k = 1; k < classes; k++) {
                best = l[i * classes + k] > l[i * classes + best] ? k : best;
            }
            out[i] = best;
        }
        return out;
    }

    private void forward(float[] x, int n) {
        ensure(n);
        ChannelOps.toPixelMajor(x, n, channels, height * width, input);
        int p0 = height * width;
        int pa = p0 / 4;
        int pb = pa / 4;
        conv1.forward(theta, input, n, z1);
        Activation.SILU.forward(z1, a1, 0, n * p0 * 16, scratch);
        ChannelOps.averagePool(a1, n, height, width, 16, p1);
        conv2.forward(theta, p1, n, z2);
        Activation.SILU.forward(z2, a2, 0, n * pa * 32, scratch);
        ChannelOps.averagePool(a2, n, height / 2, width / 2, 32, p2);
        conv3.forward(theta, p2, n, z3);
        Activation.SILU.forward(z3, a3, 0, n * pb * FEATURES, scratch);
        Arrays.fill(features, 0, n * FEATURES, 0f);
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < pb; p++) {
                for (int c = 0; c < FEATURES; c++) {
                    features[i * FEATURES + c] += a3[(i * pb + p) * FEATURES + c] / pb;
                }
            }
        }
        readout.forward(theta, features, n, logits);
    }

    private void backward(float[] dLogits, int n) {
        Arrays.fill(grad, 0f);
        int p0 = height * width;
        int pa = p0 / 4;
        int pb = pa / 4;
        float[] dFeatures = new float[n * FEATURES];
        readout.backward(theta, grad, features, dLogits, n, dFeatures);
        float[] d3 = new float[n * pb * FEATURES];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < pb; p++) {
                for (int c = 0; c < FEATURES; c++) {
                    d3[(i * pb + p) * FEATURES + c] = dFeatures[i * FEATURES + c] / pb;
                }
            }
        }
        Activation.SILU.multiplyByDerivative(z3, d3, 0, d3.length, scratch);
        float[] dp2 = new float[n * pb * 32];
        conv3.backward(theta, grad, p2, d3, n, dp2);
        float[] d2 = new float[n * pa * 32];
        ChannelOps.averagePoolBackward(dp2, n, height / 2, width / 2, 32, d2);
        Activation.SILU.multiplyByDerivative(z2, d2, 0, d2.length, scratch);
        float[] dp1 = new float[n * pa * 16];
        conv2.backward(theta, grad, p1, d2, n, dp1);
        float[] d1 = new float[n * p0 * 16];
        ChannelOps.averagePoolBackward(dp1, n, height, width, 16, d1);
        Activation.SILU.multiplyByDerivative(z1, d1, 0, d1.length, scratch);
        conv1.backward(theta, grad, input, d1, n, null);
    }

    private void ensure(int n) {
        if (n <= capacity) {
            return;
        }
        capacity = n;
        int p0 = height * width;
        input = new float[n * p0 * channels];
        z1 = new float[n * p0 * 16];
        a1 = new float[n * p0 * 16];
        p1 = new float[n * p0 / 4 * 16];
        z2 = new float[n * p0 / 4 * 32];
        a2 = new float[n * p0 / 4 * 32];
        p2 = new float[n * p0 / 16 * 32];
        z3 = new float[n * p0 / 16 * FEATURES];
        a3 = new float[n * p0 / 16 * FEATURES];
        features = new float[n * FEATURES];
        logits = new float[n * classes];
        scratch = new float[n * p0 * 16 + 64];
    }
}
