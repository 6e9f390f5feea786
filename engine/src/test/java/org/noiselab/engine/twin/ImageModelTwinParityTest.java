package org.noiselab.engine.twin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.engine.io.Checkpoint;
import org.noiselab.engine.io.CheckpointIO;
import org.noiselab.engine.io.ModelTensors;
import org.noiselab.engine.io.Tensor;
import org.noiselab.engine.model.ConvClassifierSpec;
import org.noiselab.engine.model.ConvNoiseClassifier;
import org.noiselab.engine.model.UNetDenoiser;
import org.noiselab.engine.model.UNetSpec;
import org.noiselab.engine.testing.TorchTwin;

/**
 * The PyTorch twins of the image models ({@code models/unet.py}, {@code models/conv_classifier.py}) compute what the
 * engine computes, on the same weights: small engine-initialised networks with every parameter moved off its initial
 * value, and the shipped MNIST U-Net and CDM classifier. Compared: the U-Net's epsilon prediction and the parameter
 * gradients of a probe loss {@code sum(eps * G)}; the classifier's logits, level-gap input gradients (fractional and
 * integer levels), the parameter gradients of {@code sum(f * G)}, and those of the CDM loss's
 * {@code sum(f * G) + sum(grad_x F * V)}, which the engine takes by central differences and the twin exactly.
 *
 * <p>Images travel as the engine's flat channel-major rows {@code [n, c h w]} (the twin reshapes them to
 * {@code [n, c, h, w]}); weights under {@link ModelTensors}' names and shapes (convolutions {@code [kh, kw, in, out]}),
 * so a drifted layout (a permuted kernel, a swapped concatenation) shows as an output far outside round-off.
 */
class ImageModelTwinParityTest {

    /**
     * Outputs and first-order gradients, as a fraction of the compared tensor's largest magnitude: float32 round-off
     * through some 20 layers in different summation orders (the engine's shifted 3x3 products and float/double
     * group-norm statistics against PyTorch's convolution and group norm); measured up to 1e-5.
     */
    static final double ROUND_OFF = 1e-4;
    /**
     * The CDM loss's second-order parameter gradient, which the engine takes by a central difference of first-order
     * gradients ({@code O(h^2)} truncation plus float32 cancellation; see {@link ConvNoiseClassifier#DISPLACEMENT}) and
     * the twin by double back-propagation; measured up to 3e-4.
     */
    static final double CENTRAL_DIFFERENCE = 5e-3;

    static final String CHECKPOINTS = "/org/noiselab/assets/checkpoints/";

    @TempDir
    static Path dir;
    static TorchTwin twin;
    static final Map<String, Map<String, Tensor>> ENGINE = new LinkedHashMap<>();
    static final List<String> UNET_CASES = new ArrayList<>();
    static final List<String> CLASSIFIER_CASES = new ArrayList<>();

    @BeforeAll
    static void runBothSides() throws Exception {
        twin = new TorchTwin(dir);
        UNetSpec conditional = new UNetSpec(2, 8, 8, 16, 3, 3);
        unetCase("unet-8x8-conditional", conditional, randomised(UNetDenoiser.initialise(conditional, 3).parameters(),
                4), null, new int[] {0, 2, 3}, 1, 11);
        UNetSpec plain = new UNetSpec(1, 12, 12, 16, 2, 0);
        float[] plainTheta = randomised(UNetDenoiser.initialise(plain, 5).parameters(), 6);
        unetCase("unet-12x12", plain, plainTheta, null, null, 1, 12);
        // faint images: the first group norm's variance is comparable to its epsilon, which then shows
        unetCase("unet-12x12-faint", plain, plainTheta, null, null, 1e-2f, 12);
        Checkpoint ddpm = shipped("mnist-conditional-ddpm");
        UNetSpec mnist = (UNetSpec) ddpm.setup().model();
        unetCase("unet-mnist-labels", mnist, ddpm.state().emaParameters(), "mnist-conditional-ddpm.nlab",
                new int[] {0, 7, 10}, 1, 13);
        unetCase("unet-mnist-null", mnist, ddpm.state().emaParameters(), "mnist-conditional-ddpm.nlab", null, 1,
                14);

        ConvClassifierSpec small = new ConvClassifierSpec(2, 8, 8, 16, 2, 7, 3);
        classifierCase("classifier-8x8-conditional", small,
                randomised(ConvNoiseClassifier.initialise(small, 7).parameters(), 8), null, new int[] {1, 3, 0},
                new float[] {0f, 2.5f, 6f}, new int[] {0, 3, 5}, 15);
        Checkpoint cdm = shipped("mnist-cdm");
        ConvClassifierSpec mnistCdm = (ConvClassifierSpec) cdm.setup().model();
        classifierCase("classifier-mnist", mnistCdm, cdm.state().emaParameters(), "mnist-cdm.nlab", null,
                new float[] {0f, 400.25f, 1001f}, new int[] {10, 200, 700}, 16);
        twin.run();
    }

    @Test
    void theUNetTwinPredictsTheEnginesEpsilonAndParameterGradients() throws IOException {
        List<String> failures = new ArrayList<>();
        for (String name : UNET_CASES) {
            Map<String, Tensor> engine = ENGINE.get(name);
            Map<String, Tensor> torch = twin.outputs(name);
            assertThat(torch.keySet()).as(name).containsExactlyInAnyOrderElementsOf(engine.keySet());
            double worst = 0;
            for (String key : engine.keySet()) {
                worst = Math.max(worst, compare(name + " " + key, engine.get(key), torch.get(key), ROUND_OFF,
                        failures));
            }
            System.out.printf("parity %s: worst ratio %.2e over %d tensors%n", name, worst, engine.size());
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void theClassifierTwinGivesTheEnginesLogitsGapGradientsAndParameterGradients() throws IOException {
        List<String> failures = new ArrayList<>();
        for (String name : CLASSIFIER_CASES) {
            Map<String, Tensor> engine = ENGINE.get(name);
            Map<String, Tensor> torch = twin.outputs(name);
            assertThat(torch.keySet()).as(name).containsExactlyInAnyOrderElementsOf(engine.keySet());
            double worst = 0;
            double worstSecondOrder = 0;
            for (String key : engine.keySet()) {
                boolean second = key.startsWith("cdm_grad.");
                double r = compare(name + " " + key, engine.get(key), torch.get(key),
                        second ? CENTRAL_DIFFERENCE : ROUND_OFF, failures);
                worst = second ? worst : Math.max(worst, r);
                worstSecondOrder = second ? Math.max(worstSecondOrder, r) : worstSecondOrder;
            }
            System.out.printf("parity %s: worst ratio %.2e (first order), %.2e (CDM second order)%n", name, worst,
                    worstSecondOrder);
        }
        assertThat(failures).isEmpty();
    }

    /** The engine's values for one U-Net case (standard normal images times {@code scale}) and the twin's request. */
    static void unetCase(String name, UNetSpec spec, float[] theta, @Nullable String checkpoint,
                         int @Nullable [] labels, float scale, long seed) throws IOException {
        int n = 3;
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = gaussian(rng, n * spec.dim());
        for (int i = 0; i < x.length; i++) {
            x[i] *= scale;
        }
        float[] logSnr = new float[] {-6.5f, 0.3f, 7.25f};
        float[] probe = gaussian(rng, n * spec.dim());
        UNetDenoiser model = UNetDenoiser.of(spec, theta);
        float[] eps = new float[n * spec.dim()];
        model.forwardForTraining(x, logSnr, labels, n, eps);
        model.backward(probe);
        Map<String, Tensor> engine = new LinkedHashMap<>();
        engine.put("eps", Tensor.matrix(n, spec.dim(), eps));
        engine.putAll(ModelTensors.toTensors(spec, model.gradients(), "grad."));
        ENGINE.put(name, engine);
        UNET_CASES.add(name);

        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put("x", Tensor.matrix(n, spec.dim(), x));
        inputs.put("log_snr", Tensor.vector(logSnr));
        inputs.put("probe", Tensor.matrix(n, spec.dim(), probe));
        if (labels != null) {
            inputs.put("labels", Tensor.vector(floats(labels)));
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("inputs", twin.write(name + ".in.safetensors", inputs));
        if (checkpoint != null) {
            args.put("checkpoint", checkpoint);
        } else {
            args.put("model", Map.of("kind", "unet", "channels", spec.channels(), "height", spec.height(), "width",
                    spec.width(), "baseChannels", spec.baseChannels(), "levels", spec.levels(), "classCount",
                    spec.classCount()));
            args.put("weights", twin.write(name + ".weights.safetensors", ModelTensors.toTensors(spec, theta, "")));
        }
        twin.add(name, "images.unet", args);
    }

    /** The engine's values for one classifier case, and the twin's request. */
    static void classifierCase(String name, ConvClassifierSpec spec, float[] theta, @Nullable String checkpoint,
                               int @Nullable [] labels, float[] tau, int[] levels, long seed) throws IOException {
        int n = 3;
        int l = spec.levels();
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = gaussian(rng, n * spec.dim());
        float[] probe = gaussian(rng, n * l);
        float[] cotangent = gaussian(rng, n * spec.dim());
        ConvNoiseClassifier model = ConvNoiseClassifier.of(spec, theta);
        Map<String, Tensor> engine = new LinkedHashMap<>();
        float[] logits = new float[n * l];
        model.logits(x, labels, n, logits);
        engine.put("logits", Tensor.matrix(n, l, logits));
        float[] gap = new float[n * spec.dim()];
        model.levelGapGradient(x, tau, labels, n, gap);
        engine.put("gap_gradient", Tensor.matrix(n, spec.dim(), gap));
        float[] trainLogits = new float[n * l];
        float[] trainGap = new float[n * spec.dim()];
        model.forwardForTraining(x, levels, labels, n, trainLogits, trainGap);
        engine.put("train_gap_gradient", Tensor.matrix(n, spec.dim(), trainGap));
        model.backward(probe, new float[n * spec.dim()]);
        engine.putAll(ModelTensors.toTensors(spec, model.gradients(), "grad."));
        model.backward(probe, cotangent);
        engine.putAll(ModelTensors.toTensors(spec, model.gradients(), "cdm_grad."));
        ENGINE.put(name, engine);
        CLASSIFIER_CASES.add(name);

        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put("x", Tensor.matrix(n, spec.dim(), x));
        inputs.put("probe", Tensor.matrix(n, l, probe));
        inputs.put("cotangent", Tensor.matrix(n, spec.dim(), cotangent));
        inputs.put("tau", Tensor.vector(tau));
        inputs.put("levels", Tensor.vector(floats(levels)));
        if (labels != null) {
            inputs.put("labels", Tensor.vector(floats(labels)));
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("inputs", twin.write(name + ".in.safetensors", inputs));
        if (checkpoint != null) {
            args.put("checkpoint", checkpoint);
        } else {
            args.put("model", Map.of("kind", "classifier-unet", "channels", spec.channels(), "height",
                    spec.height(), "width", spec.width(), "baseChannels", spec.baseChannels(), "resolutions",
                    spec.resolutions(), "levels", spec.levels(), "classCount", spec.classCount()));
            args.put("weights", twin.write(name + ".weights.safetensors", ModelTensors.toTensors(spec, theta, "")));
        }
        twin.add(name, "images.classifier", args);
    }

    /** Adds a failure when {@code max |twin - engine| > tolerance * max |engine|}; returns that ratio. */
    static double compare(String what, Tensor engine, Tensor torch, double tolerance, List<String> failures) {
        assertThat(torch.shape()).as(what).containsExactly(engine.shape());
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < engine.data().length; i++) {
            scale = Math.max(scale, Math.abs(engine.data()[i]));
            diff = Math.max(diff, Math.abs((double) torch.data()[i] - engine.data()[i]));
        }
        double ratio = scale == 0 ? (diff == 0 ? 0 : Double.POSITIVE_INFINITY) : diff / scale;
        if (!(ratio <= tolerance)) {
            failures.add(what + ": max difference " + diff + " against max magnitude " + scale + " (ratio " + ratio
                    + " > " + tolerance + ")");
        }
        return ratio;
    }

    /** Every parameter moved off its initial value (zero-initialised layers included), so every path carries signal. */
    static float[] randomised(float[] initial, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] theta = initial.clone();
        for (int i = 0; i < theta.length; i++) {
            theta[i] += (float) rng.nextDouble(-0.3, 0.3);
        }
        return theta;
    }

    static Checkpoint shipped(String name) throws IOException {
        Path file = dir.resolve(name + ".nlab");
        try (InputStream in = ImageModelTwinParityTest.class.getResourceAsStream(CHECKPOINTS + name + ".nlab")) {
            Files.copy(in, file);
        }
        return CheckpointIO.load(file);
    }

    static float[] gaussian(SplittableRandom rng, int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            double u = 1 - rng.nextDouble();
            v[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble()));
        }
        return v;
    }

    static float[] floats(int[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            f[i] = values[i];
        }
        return f;
    }
}
