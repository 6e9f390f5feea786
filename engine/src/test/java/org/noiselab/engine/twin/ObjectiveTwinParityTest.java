package org.noiselab.engine.twin;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.engine.data.TrainingBatch;
import org.noiselab.engine.data.TrainingData;
import org.noiselab.engine.io.CheckpointIO;
import org.noiselab.engine.io.ModelTensors;
import org.noiselab.engine.io.Tensor;
import org.noiselab.engine.model.ClassifierSpec;
import org.noiselab.engine.model.MlpSpec;
import org.noiselab.engine.model.ModelSpec;
import org.noiselab.engine.model.Models;
import org.noiselab.engine.model.TrainableClassifier;
import org.noiselab.engine.model.layer.Activation;
import org.noiselab.engine.objective.CdmLoss;
import org.noiselab.engine.objective.LevelCalibration;
import org.noiselab.engine.objective.ObjectiveSpec;
import org.noiselab.engine.objective.Objectives;
import org.noiselab.engine.optim.AdamWSpec;
import org.noiselab.engine.optim.LearningRateSchedule;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.engine.schedule.ScheduleSpec;
import org.noiselab.engine.testing.TorchTwin;
import org.noiselab.engine.train.RunSeeds;
import org.noiselab.engine.train.StepReport;
import org.noiselab.engine.train.TrainingConfig;
import org.noiselab.engine.train.TrainingSession;
import org.noiselab.engine.train.TrainingSetup;

/**
 * The PyTorch twins of the training objectives ({@code noiselab_torch.objectives}) give the engine's loss and
 * parameter gradient on the engine's own draws, for the first training step of a real {@link TrainingSession}: the
 * batch its data drew, the labels its classifier-free-guidance dropout kept, and the noise levels and noise its loss
 * drew.
 *
 * <p>The engine's generator cannot be reproduced in Python and {@code SplittableRandom} is final, so the test replays
 * the engine's calls: each stream is a pure function of (seed, step) ({@link RunSeeds#streamFor}), and each loss draws
 * from it in a fixed order (below, one method per loss, in the order of the loss's own loop). The draws go to the twin
 * (float32 noise as safetensors, integers and doubles in the request's JSON, which keeps a double exactly). A replay
 * that strayed from the engine's order would show as a different loss. The twin evaluates each loss for the given
 * draws with autograd; the CDM twin differentiates its input gradient with {@code create_graph=True}, exact double
 * back-propagation, shown against a float64 central difference.
 */
class ObjectiveTwinParityTest {

    /**
     * Loss values, relative: float32 networks summed in another order, accumulated in double on both sides (measured:
     * at most 8.3e-9; inverting the label dropout moved a loss by 1.9e-5).
     */
    static final double LOSS_TOLERANCE = 1e-7;
    /**
     * Parameter gradients, per value relative to the gradient's largest magnitude: float32 round-off of two backward
     * passes that sum the batch in different orders (measured: at most 3.6e-7).
     */
    static final double GRADIENT_TOLERANCE = 5e-6;
    /**
     * Float64 central difference with step 1e-5 against the twin's float64 exact directional derivative: the
     * difference's truncation and float64 round-off of the loss over 2h (measured: at most 1.6e-8 relative).
     */
    static final double CENTRAL_DIFFERENCE_TOLERANCE = 1e-7;
    /** Random unit directions of the float64 check. */
    static final int DIRECTIONS = 4;

    private static final int BATCH = 48;
    private static final ScheduleSpec LINEAR = ScheduleSpec.parse("linear", 1000);
    /** A short schedule for the classifiers: T + 2 = 22 levels. */
    private static final ScheduleSpec SHORT = ScheduleSpec.parse("linear", 20);

    record Case(String name, TrainingSetup setup) {
    }

    /** What the engine's step gave: its loss, gradient, and the labels after dropout (null when unlabelled). */
    record EngineStep(double loss, Map<String, Tensor> gradient, int[] labels, int[] labelsBefore, double[] cdmTerms) {
    }

    @TempDir
    static Path dir;
    static TorchTwin twin;
    static final Map<String, EngineStep> ENGINE = new LinkedHashMap<>();
    static final List<Case> CASES = new ArrayList<>();
    static LevelCalibration.Result calibration;
    static Map<String, Tensor> calibrationFold;

    static List<Case> cases() {
        MlpSpec mlp = MlpSpec.defaults(2).withWidth(32).withDepth(2);
        ClassifierSpec classifier = new ClassifierSpec(2, 32, 2, Activation.SILU, 4, 2.0, SHORT.steps() + 2, 0);
        ObjectiveSpec.ContrastiveSettings other = new ObjectiveSpec.ContrastiveSettings(2.0, 3, 8);
        return List.of(
                new Case("ddpm", setup("dino", mlp, LINEAR, new ObjectiveSpec.Ddpm(), 0.1)),
                new Case("itd", setup("dino", mlp, LINEAR, new ObjectiveSpec.Itd(), 0.1)),
                new Case("cdl-default", setup("dino", mlp, LINEAR, ObjectiveSpec.parse("cdl"), 0.1)),
                new Case("ddpm+cdl-other", setup("dino", mlp, LINEAR, new ObjectiveSpec.DdpmCdl(other), 0.1)),
                new Case("ddpm-conditional", setup("three-class", mlp.withClassCount(3), LINEAR,
                        new ObjectiveSpec.Ddpm(), 0.25)),
                new Case("cdl-conditional", setup("three-class", mlp.withClassCount(3), LINEAR,
                        new ObjectiveSpec.Cdl(other), 0.25)),
                new Case("cdm", setup("dino", classifier, SHORT, ObjectiveSpec.Cdm.DEFAULT, 0.1)),
                new Case("cdm-conditional", setup("three-class", classifier.withClassCount(3), SHORT,
                        new ObjectiveSpec.Cdm(0.5, 1), 0.25)));
    }

    static TrainingSetup setup(String dataset, ModelSpec model, ScheduleSpec schedule, ObjectiveSpec objective,
                               double labelDropout) {
        TrainingConfig config = new TrainingConfig(10, BATCH, LearningRateSchedule.constant(1e-3), AdamWSpec.DEFAULT,
                0.99, labelDropout);
        return new TrainingSetup(dataset, model, schedule, objective, config, RunSeeds.from(dataset.length() * 31L
                + objective.kind().hashCode()));
    }

    @BeforeAll
    static void stepBothSides() throws Exception {
        twin = new TorchTwin(dir);
        for (Case c : cases()) {
            CASES.add(c);
            engineStep(c);
        }
        calibrationCase();
        twin.run();
    }

    /** Saves the step-0 checkpoint, replays the step's draws for the twin, then lets the engine take the step. */
    static void engineStep(Case c) throws Exception {
        TrainingSession session = TrainingSession.start(c.setup());
        CheckpointIO.save(CheckpointIO.of(c.setup(), session.state(), Map.of()), dir.resolve(c.name() + ".nlab"));
        float[] before = session.parameters();
        TrainingData data = session.data();
        int step = 1;
        int dim = data.dim();
        RunSeeds seeds = c.setup().seeds();
        float[] x0 = new float[BATCH * dim];
        boolean labelled = c.setup().model().classCount() > 0;
        int[] labels = labelled ? new int[BATCH] : null;
        data.draw(BATCH, RunSeeds.streamFor(seeds.data(), step), x0, labels);
        Map<String, Object> args = new LinkedHashMap<>();
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put("x0", Tensor.matrix(BATCH, dim, x0));
        args.put("checkpoint", c.name() + ".nlab");
        args.put("variances", data.variances());
        if (labelled) {
            args.put("labels", labels);
            SplittableRandom drop = RunSeeds.streamFor(seeds.train() ^ labelStreamSalt(), step);
            double[] u = new double[BATCH];
            for (int i = 0; i < BATCH; i++) {
                u[i] = drop.nextDouble();
            }
            args.put("dropoutU", u);
        }
        ObjectiveSpec objective = c.setup().objective();
        NoiseSchedule schedule = NoiseSchedule.create(c.setup().schedule());
        SplittableRandom noise = RunSeeds.streamFor(seeds.train(), step);
        switch (objective.kind()) {
            case "ddpm" -> replayDdpm(noise, schedule, dim, args, inputs);
            case "itd" -> replayItd(noise, "itd", BATCH, dim, args, inputs);
            case "cdl" -> {
                replayItd(noise, "itd", BATCH, dim, args, inputs);
                replayContrastive(noise, objective.contrastive(), dim, args, inputs);
            }
            case "ddpm+cdl" -> {
                replayDdpm(noise, schedule, dim, args, inputs);
                replayContrastive(noise, objective.contrastive(), dim, args, inputs);
            }
            case "cdm" -> replayCdm(noise, schedule, dim, args, inputs);
            default -> throw new AssertionError(objective.kind());
        }
        args.put("inputs", twin.write(c.name() + ".in.safetensors", inputs));
        if (objective instanceof ObjectiveSpec.Cdm) {
            args.put("check", DIRECTIONS);
        }
        twin.add(c.name(), "objectives.training_step", args);

        StepReport report = session.trainStep();
        int[] dropped = labelled ? batchLabels(session).clone() : null;
        double[] cdmTerms = null;
        if (objective instanceof ObjectiveSpec.Cdm) {
            // the same step again on a fresh copy, for the loss's two parts
            CdmLoss cdm = (CdmLoss) Objectives.create(objective, schedule, data.variances(), BATCH);
            double value = cdm.lossAndGradient(Models.withParameters(c.setup().model(), before),
                    new TrainingBatch(x0, dropped, BATCH, dim), RunSeeds.streamFor(seeds.train(), step));
            assertThat(value).as("the same step replayed").isEqualTo(report.loss());
            cdmTerms = new double[] {cdm.lastCrossEntropy(), cdm.lastSquaredError()};
        }
        ENGINE.put(c.name(), new EngineStep(report.loss(),
                ModelTensors.toTensors(c.setup().model(), session.model().gradients(), "grad."), dropped, labels,
                cdmTerms));
    }

    /** {@code DdpmLoss}: per row {@code t = 1 + nextInt(T)}, then d float noises. */
    static void replayDdpm(SplittableRandom rng, NoiseSchedule schedule, int dim, Map<String, Object> args,
                           Map<String, Tensor> inputs) {
        int[] t = new int[BATCH];
        float[] eps = new float[BATCH * dim];
        for (int i = 0; i < BATCH; i++) {
            t[i] = 1 + rng.nextInt(schedule.steps());
            for (int j = 0; j < dim; j++) {
                eps[i * dim + j] = (float) rng.nextGaussian();
            }
        }
        args.put("ddpm.t", t);
        inputs.put("ddpm.eps", Tensor.matrix(BATCH, dim, eps));
    }

    /** {@code CdmLoss}: per row {@code t = nextInt(T + 2)}, then d float noises. */
    static void replayCdm(SplittableRandom rng, NoiseSchedule schedule, int dim, Map<String, Object> args,
                          Map<String, Tensor> inputs) {
        int[] t = new int[BATCH];
        float[] eps = new float[BATCH * dim];
        for (int i = 0; i < BATCH; i++) {
            t[i] = rng.nextInt(schedule.steps() + 2);
            for (int j = 0; j < dim; j++) {
                eps[i * dim + j] = (float) rng.nextGaussian();
            }
        }
        args.put("cdm.t", t);
        inputs.put("cdm.eps", Tensor.matrix(BATCH, dim, eps));
    }

    /** {@code ItdTerms.build}: per row one proposal uniform ({@code LogSnrProposal.sample}), then d float noises. */
    static void replayItd(SplittableRandom rng, String prefix, int rows, int dim, Map<String, Object> args,
                          Map<String, Tensor> inputs) {
        double[] u = new double[rows];
        float[] eps = new float[rows * dim];
        for (int r = 0; r < rows; r++) {
            u[r] = rng.nextDouble();
            for (int j = 0; j < dim; j++) {
                eps[r * dim + j] = (float) rng.nextGaussian();
            }
        }
        args.put(prefix + ".u", u);
        inputs.put(prefix + ".eps", Tensor.matrix(rows, dim, eps));
    }

    /**
     * {@code ContrastiveLoss}: per sample one proposal uniform, a coin, and on tails d double noises; then the ITD rows
     * of its 2 x samples densities.
     */
    static void replayContrastive(SplittableRandom rng, ObjectiveSpec.ContrastiveSettings settings, int dim,
                                  Map<String, Object> args, Map<String, Tensor> inputs) {
        int count = Math.min(settings.samples(), BATCH);
        double[] u = new double[count];
        int[] y = new int[count];
        double[] noise = new double[count * dim];
        for (int i = 0; i < count; i++) {
            u[i] = rng.nextDouble();
            y[i] = rng.nextBoolean() ? 1 : -1;
            if (y[i] < 0) {
                for (int j = 0; j < dim; j++) {
                    noise[i * dim + j] = rng.nextGaussian();
                }
            }
        }
        args.put("cdl.u", u);
        args.put("cdl.y", y);
        args.put("cdl.noise", noise);
        replayItd(rng, "cdl.itd", 2 * count * settings.pointsFor(BATCH), dim, args, inputs);
    }

    /** The salt of the session's label-dropout stream (private to the session, read here rather than copied). */
    static long labelStreamSalt() throws ReflectiveOperationException {
        Field f = TrainingSession.class.getDeclaredField("LABEL_STREAM");
        f.setAccessible(true);
        return f.getLong(null);
    }

    /** The labels the session's step trained on, after dropout. */
    static int[] batchLabels(TrainingSession session) throws ReflectiveOperationException {
        Field f = TrainingSession.class.getDeclaredField("batchLabels");
        f.setAccessible(true);
        return (int[]) f.get(session);
    }

    /**
     * {@code LevelCalibration.solve} on an unconditional classifier: the data draw on a split of the stream, then per
     * level and value one double noise.
     */
    static void calibrationCase() throws Exception {
        Case c = CASES.stream().filter(k -> k.name().equals("cdm")).findFirst().orElseThrow();
        int perLevel = 16;
        long seed = 99;
        NoiseSchedule schedule = NoiseSchedule.create(c.setup().schedule());
        TrainingSession session = TrainingSession.start(c.setup());
        TrainableClassifier classifier = (TrainableClassifier) session.model();
        TrainingData data = session.data();
        int levels = classifier.levels();
        int dim = data.dim();
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x0 = new float[levels * perLevel * dim];
        data.draw(levels * perLevel, rng.split(), x0, null);
        double[] eps = new double[x0.length];
        for (int i = 0; i < eps.length; i++) {
            eps[i] = rng.nextGaussian();
        }
        calibration = LevelCalibration.solve(classifier, schedule, data, perLevel, new SplittableRandom(seed));
        float[] folded = LevelCalibration.fold(classifier, classifier.parameters(), calibration.offsets());
        calibrationFold = ModelTensors.toTensors(c.setup().model(), folded, "");
        twin.add("calibration", "objectives.calibration", Map.of("checkpoint", "cdm.nlab", "perLevel", perLevel,
                "eps", eps, "inputs", twin.write("calibration.in.safetensors",
                        Map.of("x0", Tensor.matrix(levels * perLevel, dim, x0)))));
    }

    @Test
    void everyLossValueAgrees() throws Exception {
        for (Case c : CASES) {
            double engine = ENGINE.get(c.name()).loss();
            double torch = value(twin.outputs(c.name()).get("loss"));
            double relative = Math.abs(engine - torch) / Math.max(1e-12, Math.abs(engine));
            System.out.printf("%-18s loss engine %.9g twin %.9g relative difference %.2e%n", c.name(), engine,
                    torch, relative);
            assertThat(relative).as(c.name()).isLessThan(LOSS_TOLERANCE);
        }
    }

    @Test
    void everyParameterGradientAgrees() throws Exception {
        for (Case c : CASES) {
            Map<String, Tensor> engine = ENGINE.get(c.name()).gradient();
            Map<String, Tensor> out = twin.outputs(c.name());
            double scale = 0;
            for (Tensor t : engine.values()) {
                for (float v : t.data()) {
                    scale = Math.max(scale, Math.abs(v));
                }
            }
            assertThat(scale).as(c.name() + " has a gradient").isPositive();
            double worst = 0;
            for (Map.Entry<String, Tensor> e : engine.entrySet()) {
                Tensor t = out.get(e.getKey());
                assertThat(t).as(c.name() + " " + e.getKey()).isNotNull();
                assertThat(t.shape()).as(e.getKey()).containsExactly(e.getValue().shape());
                worst = Math.max(worst, maxDifference(e.getValue().data(), t.data()) / scale);
            }
            System.out.printf("%-18s gradient max |engine - twin| / max |engine| = %.2e (max |g| %.3g)%n", c.name(),
                    worst, scale);
            assertThat(worst).as(c.name()).isLessThan(GRADIENT_TOLERANCE);
        }
    }

    @Test
    void theTwinDropsTheSameLabelsAsTheSession() throws Exception {
        for (Case c : CASES) {
            EngineStep e = ENGINE.get(c.name());
            if (e.labels() == null) {
                continue;
            }
            int nullClass = c.setup().model().classCount();
            int dropped = 0;
            for (int i = 0; i < e.labels().length; i++) {
                dropped += e.labels()[i] == nullClass && e.labelsBefore()[i] != nullClass ? 1 : 0;
            }
            assertThat(dropped).as(c.name() + ": some labels dropped, not all").isBetween(1, BATCH - 1);
            float[] torch = twin.outputs(c.name()).get("labels").data();
            for (int i = 0; i < torch.length; i++) {
                assertThat((int) torch[i]).as(c.name() + " row " + i).isEqualTo(e.labels()[i]);
            }
        }
    }

    @Test
    void theCdmTermsAgree() throws Exception {
        for (Case c : CASES) {
            double[] e = ENGINE.get(c.name()).cdmTerms();
            if (e == null) {
                continue;
            }
            Map<String, Tensor> out = twin.outputs(c.name());
            assertThat(value(out.get("crossEntropy"))).as(c.name() + " CE").isCloseTo(e[0],
                    org.assertj.core.api.Assertions.withinPercentage(100 * LOSS_TOLERANCE));
            assertThat(value(out.get("squaredError"))).as(c.name() + " MSE").isCloseTo(e[1],
                    org.assertj.core.api.Assertions.withinPercentage(100 * LOSS_TOLERANCE));
        }
    }

    /**
     * The twin's CDM gradient is the exact one: in float64 its directional derivatives equal central differences of
     * its loss; and the engine's (hand-written double back-propagation in float32) is within float32 round-off of it.
     */
    @Test
    void theCdmTwinsGradientIsExactDoubleBackpropagation() throws Exception {
        for (Case c : CASES) {
            if (!(c.setup().objective() instanceof ObjectiveSpec.Cdm)) {
                continue;
            }
            Map<String, Tensor> out = twin.outputs(c.name());
            float[] exact = out.get("check.exact").data();
            float[] difference = out.get("check.difference").data();
            double worst = 0;
            for (int k = 0; k < exact.length; k++) {
                worst = Math.max(worst, Math.abs(difference[k]) / Math.max(1e-3, Math.abs(exact[k])));
            }
            Map<String, Tensor> engine = ENGINE.get(c.name()).gradient();
            double scale = 0;
            double engineError = 0;
            double twin32Error = 0;
            for (Map.Entry<String, Tensor> e : engine.entrySet()) {
                float[] g64 = out.get(e.getKey().replace("grad.", "grad64.")).data();
                for (float v : g64) {
                    scale = Math.max(scale, Math.abs(v));
                }
                engineError = Math.max(engineError, maxDifference(e.getValue().data(), g64));
                twin32Error = Math.max(twin32Error, maxDifference(out.get(e.getKey()).data(), g64));
            }
            System.out.printf("%-18s float64 twin: |exact - central difference| / |exact| <= %.2e; against its"
                    + " gradient, engine %.2e, float32 twin %.2e (relative to max |g|)%n", c.name(), worst,
                    engineError / scale, twin32Error / scale);
            assertThat(worst).as(c.name()).isLessThan(CENTRAL_DIFFERENCE_TOLERANCE);
            assertThat(engineError / scale).as(c.name() + " engine").isLessThan(GRADIENT_TOLERANCE);
        }
    }

    @Test
    void levelCalibrationAgrees() throws Exception {
        Map<String, Tensor> out = twin.outputs("calibration");
        float[] offsets = out.get("offsets").data();
        double worst = 0;
        for (int s = 0; s < offsets.length; s++) {
            worst = Math.max(worst, Math.abs(offsets[s] - calibration.offsets()[s]));
        }
        double before = Math.abs(value(out.get("crossEntropyBefore")) - calibration.crossEntropyBefore());
        double after = Math.abs(value(out.get("crossEntropyAfter")) - calibration.crossEntropyAfter());
        double shift = Math.abs(value(out.get("likelihoodShift")) - calibration.likelihoodShift());
        String bias = "layers." + ((ClassifierSpec) CASES.get(CASES.size() - 2).setup().model()).depth() + ".bias";
        double fold = maxDifference(calibrationFold.get(bias).data(), out.get("folded").data());
        System.out.printf("calibration: %s; twin minus engine: offsets %.2e, cross-entropy %.2e -> %.2e, shift %.2e,"
                + " folded bias %.2e; twin iterations %d%n", calibration.describe(), worst, before, after, shift, fold,
                (int) out.get("iterations").data()[0]);
        // nats: float32 logits of two networks, then the same float64 fixed point (measured: at most 1.4e-8)
        double tolerance = 1e-6;
        assertThat(worst).isLessThan(tolerance);
        assertThat(before).isLessThan(tolerance);
        assertThat(after).isLessThan(tolerance);
        assertThat(shift).isLessThan(tolerance);
        assertThat(fold).isLessThan(tolerance);
        assertThat((int) out.get("iterations").data()[0]).isEqualTo(calibration.iterations());
    }

    static double value(Tensor split) {
        return (double) split.data()[0] + split.data()[1];
    }

    static double maxDifference(float[] a, float[] b) {
        assertThat(b).hasSameSizeAs(a);
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs((double) a[i] - b[i]));
        }
        return worst;
    }
}
