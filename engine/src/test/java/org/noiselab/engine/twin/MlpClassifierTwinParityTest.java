package org.noiselab.engine.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.noiselab.engine.twin.MlpTwinParityTest.check;
import static org.noiselab.engine.twin.MlpTwinParityTest.floats;
import static org.noiselab.engine.twin.MlpTwinParityTest.gaussian;
import static org.noiselab.engine.twin.MlpTwinParityTest.grid;
import static org.noiselab.engine.twin.MlpTwinParityTest.THREADS;
import static org.noiselab.engine.twin.MlpTwinParityTest.withThreads;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.engine.io.Checkpoint;
import org.noiselab.engine.io.CheckpointIO;
import org.noiselab.engine.io.ModelTensors;
import org.noiselab.engine.io.Tensor;
import org.noiselab.engine.model.ClassifierSpec;
import org.noiselab.engine.model.MlpClassifier;
import org.noiselab.engine.model.layer.Activation;
import org.noiselab.engine.testing.TorchTwin;

/**
 * The PyTorch twin of the toy noise-level classifier ({@code noiselab_torch.models.mlp_classifier.MlpClassifier})
 * computes what the engine's {@link MlpClassifier} computes, on the same weights: engine-initialised classifiers of
 * every smooth activation (conditional and not) and the shipped dino and two-mode CDM classifiers, over a grid of
 * points with every label including the null class (and no labels). Compared: the logits (read-out then cumulative
 * sum), the level-gap input gradient {@code grad_x F(x, tau)} at fractional levels from 0 to T+1 (the engine's exact
 * back-propagation against the twin's autograd), and the parameter gradients of the CDM-style probe loss
 * {@code sum(G_f * f(x)) + sum(G_g * grad_x F(x, t))} at integer levels (the engine's hand-written double
 * back-propagation against the twin's second-order autograd), tensor by tensor under the checkpoint's names.
 *
 * <p>The engine side runs on at least two kernel threads (see {@link MlpTwinParityTest#THREADS}).
 */
class MlpClassifierTwinParityTest {

    /** Logits and gap gradients: float32 round-off through the network and a cumulative sum over up to 1002 levels
     *  (measured up to 2e-6 of the largest value). */
    static final double OUTPUT_TOLERANCE = 2e-5;
    /** Parameter gradients: float32 sums over rows and levels in another order (measured below 2e-6). */
    static final double GRADIENT_TOLERANCE = 2e-5;

    @TempDir
    static Path dir;
    static TorchTwin twin;
    static final List<Case> CASES = new ArrayList<>();

    /** One comparison: an engine classifier and the inputs both sides see. */
    record Case(String name, MlpClassifier engine, float[] x, int @Nullable [] labels, float[] level, int[] levels,
                float[] gLogits, float[] gGap) {
        int rows() {
            return levels.length;
        }
    }

    @BeforeAll
    static void runTheTwin() throws Exception {
        twin = new TorchTwin(dir);
        random("silu", new ClassifierSpec(2, 40, 3, Activation.SILU, 8, 16, 12, 0), 21, false);
        random("gelu-conditional", new ClassifierSpec(1, 32, 2, Activation.GELU, 16, 4, 7, 3), 22, true);
        random("gelu-null-class", new ClassifierSpec(1, 32, 2, Activation.GELU, 16, 4, 7, 3), 22, false);
        random("tanh", new ClassifierSpec(3, 24, 1, Activation.TANH, 4, 2, 5, 0), 23, false);
        random("silu-no-frequencies", new ClassifierSpec(2, 16, 2, Activation.SILU, 0, 1, 3, 0), 24, false);
        shipped("dino-cdm");
        shipped("gauss1d-two-mode-cdm");
        twin.run();
    }

    private static void random(String name, ClassifierSpec spec, long seed, boolean labelled) throws IOException {
        MlpClassifier engine = MlpClassifier.initialise(spec, seed);
        String weights = twin.write(name + ".weights.safetensors", ModelTensors.toTensors(spec, engine.parameters(),
                ""));
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("spec", specJson(spec));
        args.put("weights", weights);
        add(name, engine, args, labelled, seed);
    }

    private static void shipped(String checkpoint) throws IOException {
        Path file = dir.resolve(checkpoint + ".nlab");
        try (InputStream in = MlpClassifierTwinParityTest.class.getResourceAsStream(
                "/org/noiselab/assets/checkpoints/" + checkpoint + ".nlab")) {
            Files.copy(in, file);
        }
        Checkpoint c = CheckpointIO.load(file);
        MlpClassifier engine = MlpClassifier.of((ClassifierSpec) c.setup().model(), c.state().emaParameters());
        add(checkpoint, engine, Map.of("checkpoint", file.getFileName().toString()), false, 31);
    }

    /**
     * Fills a case's inputs and adds it: a grid in {@code [-4, 4]^d}; per row a fractional level cycling over 0,
     * 0.25, 1, the middle, T, T + 0.7, T + 1 and a random level, an integer level cycling over 0..T+1, a label
     * cycling over 0..C; normal cotangents.
     */
    private static void add(String name, MlpClassifier engine, Map<String, Object> args, boolean labelled, long seed)
            throws IOException {
        ClassifierSpec spec = engine.spec();
        int d = spec.dim();
        float[] x = grid(d, d == 1 ? 81 : d == 2 ? 11 : 5, -4, 4);
        int n = x.length / d;
        int top = spec.levels() - 1;
        float[] normal = gaussian(n, seed + 1);
        float[] level = new float[n];
        int[] levels = new int[n];
        for (int i = 0; i < n; i++) {
            float[] cycle = {0f, 0.25f, 1f, top / 2f + 0.5f, top - 1, top - 0.3f, top,
                    (float) (top * (0.5 + Math.atan(normal[i]) / Math.PI))};
            level[i] = Math.min(top, cycle[i % cycle.length]);
            levels[i] = i % spec.levels();
        }
        int[] labels = null;
        if (labelled) {
            labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = i % (spec.classCount() + 1);
            }
        }
        float[] gLogits = gaussian(n * spec.levels(), seed + 2);
        float[] gGap = gaussian(n * d, seed + 3);
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put("x", Tensor.matrix(n, d, x));
        if (labels != null) {
            inputs.put("labels", Tensor.vector(floats(labels)));
        }
        inputs.put("level", Tensor.vector(level));
        inputs.put("levels", Tensor.vector(floats(levels)));
        inputs.put("G_logits", Tensor.matrix(n, spec.levels(), gLogits));
        inputs.put("G_gap", Tensor.matrix(n, d, gGap));
        Map<String, Object> all = new LinkedHashMap<>(args);
        all.put("inputs", twin.write(name + ".inputs.safetensors", inputs));
        twin.add(name, "mlp.classifier", all);
        CASES.add(new Case(name, engine, x, labels, level, levels, gLogits, gGap));
    }

    @Test
    void logitsEqualTheEngines() throws IOException {
        for (Case c : CASES) {
            MlpClassifier e = c.engine();
            int n = c.rows();
            float[] logits = new float[n * e.levels()];
            withThreads(THREADS, () -> e.logits(c.x(), c.labels(), n, logits));
            check(c.name() + " logits", Tensor.matrix(n, e.levels(), logits), twin.outputs(c.name()).get("logits"),
                    OUTPUT_TOLERANCE);
        }
    }

    @Test
    void theLevelGapGradientEqualsTheTwinsAutogradAtFractionalLevels() throws IOException {
        for (Case c : CASES) {
            MlpClassifier e = c.engine();
            int n = c.rows();
            float[] gap = new float[n * e.dim()];
            withThreads(THREADS,
                    () -> e.levelGapGradient(c.x(), c.level(), c.labels(), n, gap));
            check(c.name() + " gap gradient (fractional levels)", Tensor.matrix(n, e.dim(), gap),
                    twin.outputs(c.name()).get("gap_gradient"), OUTPUT_TOLERANCE);
        }
    }

    @Test
    void trainingOutputsAndDoubleBackpropagatedParameterGradientsEqualTheTwins() throws IOException {
        for (Case c : CASES) {
            MlpClassifier e = c.engine();
            int n = c.rows();
            Map<String, Tensor> torch = twin.outputs(c.name());
            float[] logits = new float[n * e.levels()];
            float[] gap = new float[n * e.dim()];
            withThreads(THREADS, () -> {
                e.forwardForTraining(c.x(), c.levels(), c.labels(), n, logits, gap);
                e.backward(c.gLogits(), c.gGap());
            });
            check(c.name() + " logits (training)", Tensor.matrix(n, e.levels(), logits), torch.get("logits"),
                    OUTPUT_TOLERANCE);
            check(c.name() + " gap gradient (training)", Tensor.matrix(n, e.dim(), gap),
                    torch.get("train.gap_gradient"), OUTPUT_TOLERANCE);
            Map<String, Tensor> engine = ModelTensors.toTensors(e.spec(), e.gradients(), "grad.");
            assertThat(torch.keySet().stream().filter(k -> k.startsWith("grad.")))
                    .as(c.name() + ": the twin's parameters are the engine's tensors")
                    .containsExactlyInAnyOrderElementsOf(engine.keySet());
            for (Map.Entry<String, Tensor> t : engine.entrySet()) {
                check(c.name() + " " + t.getKey(), t.getValue(), torch.get(t.getKey()), GRADIENT_TOLERANCE);
            }
        }
    }

    /** The model section of a manifest, as the engine writes it. */
    static Map<String, Object> specJson(ClassifierSpec s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", s.kind());
        m.put("dim", s.dim());
        m.put("width", s.width());
        m.put("depth", s.depth());
        m.put("activation", s.activation().name().toLowerCase(Locale.ROOT));
        m.put("inputFrequencies", s.inputFrequencies());
        m.put("inputScale", s.inputScale());
        m.put("levels", s.levels());
        m.put("classCount", s.classCount());
        m.put("parameterCount", s.parameterCount());
        return m;
    }
}
