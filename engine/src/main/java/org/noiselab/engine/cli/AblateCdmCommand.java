package org.noiselab.engine.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.io.AtomicFiles;
import org.noiselab.engine.io.CheckpointIO;
import org.noiselab.engine.likelihood.CdmLikelihood;
import org.noiselab.engine.metric.ClassifierEvaluation;
import org.noiselab.engine.metric.LogitCurves;
import org.noiselab.engine.metric.Mmd;
import org.noiselab.engine.model.ClassifierDenoiser;
import org.noiselab.engine.model.ClassifierSpec;
import org.noiselab.engine.model.ExactNoiseClassifier;
import org.noiselab.engine.model.MlpClassifier;
import org.noiselab.engine.model.NoiseLevelClassifier;
import org.noiselab.engine.objective.LevelCalibration;
import org.noiselab.engine.objective.ObjectiveSpec;
import org.noiselab.engine.sample.DiffusionProblem;
import org.noiselab.engine.sample.SamplerSpec;
import org.noiselab.engine.sample.Samplers;
import org.noiselab.engine.sample.SamplingRequest;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.engine.schedule.ScheduleSpec;
import org.noiselab.engine.train.RunSeeds;
import org.noiselab.engine.train.TrainingConfig;
import org.noiselab.engine.train.TrainingControl;
import org.noiselab.engine.train.TrainingLoop;
import org.noiselab.engine.train.TrainingOutcome;
import org.noiselab.engine.train.TrainingSession;
import org.noiselab.engine.train.TrainingSetup;
import org.noiselab.toys.ToyDataset;
import org.noiselab.toys.ToyDatasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code noiselab ablate-cdm}: the CDM paper's table 1 on a toy: CE only, MSE only, both. */
@Command(name = "ablate-cdm",
        header = "CDM ablation: cross-entropy only, squared error only, both (the CDM paper's table 1).",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train three classification diffusion models with the same budget and seeds - cross-entropy",
            "only, squared error only, both (the CDM paper's table 1) - and report for each: level accuracy,",
            "cross-entropy, squared eps error, MMD of DDPM samples, single-pass NLL against the exact NLL, and how",
            "monotone and how high its logit curves are far from the true level compared with the exact ones.",
            "Each model is reported again after level calibration (one offset per level, as train does), which",
            "shows what each loss leaves undetermined.",
            "  noiselab ablate-cdm --dataset dino --out-dir ablation"})
final class AblateCdmCommand implements Callable<Integer> {

    private static final int[] CURVE_LEVELS = {200, 400, 600, 800};

    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", paramLabel = "NAME", defaultValue = "dino", description = "Toy dataset (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "20000", description = "Steps per model (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "512", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--ce-weight", paramLabel = "W", defaultValue = "" + ObjectiveSpec.Cdm.DEFAULT_CE_WEIGHT,
            description = "Cross-entropy weight of the CE-only and both runs (default: ${DEFAULT-VALUE}).")
    double ceWeight;

    @Option(names = "--schedule", paramLabel = "KIND", defaultValue = "linear", description = "linear, cosine or uniform (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Master seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--eval", paramLabel = "N", defaultValue = "2000",
            description = "Samples for MMD and draws for NLL; ten times as many for the classification figures (default: ${DEFAULT-VALUE}).")
    int eval;

    @Option(names = "--calibrate-levels", paramLabel = "M", defaultValue = "" + LevelCalibration.DEFAULT_DRAWS_PER_LEVEL,
            description = "Draws per level for the calibrated rows; 0 leaves them out (default: ${DEFAULT-VALUE}).")
    int calibrateLevels;

    @Option(names = "--out-dir", paramLabel = "DIR", required = true,
            description = "Where the three checkpoints and ablation.md / ablation.csv go.")
    Path outDir;

    /** One line of the table; {@code objective} is null for the exact classifier of the dataset. */
    record Row(String name, ObjectiveSpec.@Nullable Cdm objective, double accuracy, double crossEntropy, double squaredError,
               double mmd, double nll, double exactNll, double monotone, double farExcess) {
    }

    @Override
    public Integer call() throws IOException {
        ToyDataset d = ToyDatasets.byName(dataset);
        if (eval < 2 || eval > 1_000_000) {
            throw new InvalidConfigException("--eval", eval, "must lie in 2..1000000");
        }
        ScheduleSpec scheduleSpec = ScheduleSpec.parse(schedule, 1000);
        LevelCalibration.checkDrawsOrOff("--calibrate-levels", scheduleSpec.steps() + 2, calibrateLevels);
        TrainingConfig config = TrainingConfig.TOY_DEFAULT.withSteps(steps).withBatchSize(batch);
        Map<String, ObjectiveSpec.Cdm> variants = new java.util.LinkedHashMap<>();
        variants.put("ce-only", new ObjectiveSpec.Cdm(ceWeight, 0));
        variants.put("mse-only", new ObjectiveSpec.Cdm(0, 1));
        variants.put("both", new ObjectiveSpec.Cdm(ceWeight, 1));
        Files.createDirectories(outDir);
        PrintWriter out = spec.commandLine().getOut();
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, ObjectiveSpec.Cdm> v : variants.entrySet()) {
            TrainingSetup setup = new TrainingSetup(d.name(), ClassifierSpec.defaults(d.dim(), 1000), scheduleSpec,
                    v.getValue(), config, RunSeeds.from(seed));
            out.printf("== %s (ce weight %s, mse weight %s): %d steps of %d%n", v.getKey(), v.getValue().ceWeight(),
                    v.getValue().mseWeight(), steps, batch);
            TrainingSession session = TrainingSession.start(setup);
            TrainingOutcome outcome = TrainingLoop.run(session, new TrainingControl(),
                    List.of(new ConsoleProgress(out, Math.max(1, steps / 5))));
            if (outcome.status() != TrainingOutcome.Status.COMPLETED) {
                throw (RuntimeException) outcome.error();
            }
            CheckpointIO.save(CheckpointIO.of(setup, session.state(), Map.of()),
                    outDir.resolve(d.name() + "-" + v.getKey() + ".nlab"));
            rows.add(assess(v.getKey(), v.getValue(), emaClassifier(session), session.schedule(), d));
            if (calibrateLevels > 0) {
                LevelCalibration.Result r = session.calibrateLevels(calibrateLevels);
                out.printf("level calibration (%d draws per level, %s)%n", calibrateLevels, r.describe());
                CheckpointIO.save(CheckpointIO.of(setup, session.state(),
                                Map.of("levelCalibrationShift", r.likelihoodShift())),
                        outDir.resolve(d.name() + "-" + v.getKey() + "-calibrated.nlab"));
                rows.add(assess(v.getKey() + " calibrated", v.getValue(), emaClassifier(session), session.schedule(),
                        d));
            }
        }
        NoiseSchedule s = NoiseSchedule.create(scheduleSpec);
        rows.add(assess("exact", null, new ExactNoiseClassifier(d, s), s, d));
        String table = table(rows, d);
        out.print(table);
        String csv = csv(rows);
        AtomicFiles.writeText(outDir.resolve("ablation.md"), w -> w.write(table));
        AtomicFiles.writeText(outDir.resolve("ablation.csv"), w -> w.write(csv));
        out.printf("wrote %s and %s%n", outDir.resolve("ablation.md"), outDir.resolve("ablation.csv"));
        out.flush();
        return 0;
    }

    private static MlpClassifier emaClassifier(TrainingSession session) {
        return MlpClassifier.of((ClassifierSpec) session.setup().model(), session.emaParameters());
    }

    private Row assess(String name, ObjectiveSpec.@Nullable Cdm objective, NoiseLevelClassifier classifier,
                       NoiseSchedule s,
                       ToyDataset d) {
        ClassifierEvaluation e = ClassifierEvaluation.evaluate(classifier, s, d, 10 * eval, 20, seed + 1);
        float[] samples = Samplers.create(new SamplerSpec.Ddpm(s.steps())).sample(
                new DiffusionProblem(new ClassifierDenoiser(classifier, s), s), SamplingRequest.of(eval, seed + 2))
                .points();
        float[] data = d.sample(eval, seed + 3).pointsAsFloats();
        double mmd = Mmd.mmd(samples, eval, data, eval, d.dim());
        double[] logP = CdmLikelihood.logDensity(classifier, data, null, eval);
        double nll = 0;
        double exact = 0;
        double[] exactLogP = d.mixture().logDensity(toDouble(data), eval);
        for (int i = 0; i < eval; i++) {
            nll -= logP[i] / eval;
            exact -= exactLogP[i] / eval;
        }
        ExactNoiseClassifier truth = new ExactNoiseClassifier(d, s);
        double monotone = 0;
        double far = 0;
        int curves = 0;
        for (int p = 0; p < 8; p++) {
            float[] x0 = java.util.Arrays.copyOfRange(data, p * d.dim(), (p + 1) * d.dim());
            for (int t : CURVE_LEVELS) {
                double[] c = LogitCurves.curve(classifier, s, x0, t, 1, seed + 10 * p + t);
                double[] x = LogitCurves.curve(truth, s, x0, t, 1, seed + 10 * p + t);
                monotone += LogitCurves.monotoneFraction(c);
                far += LogitCurves.farExcess(c, x, t, 300);
                curves++;
            }
        }
        return new Row(name, objective, e.accuracy(), e.crossEntropy(), e.squaredError(), mmd, nll, exact,
                monotone / curves, far / curves);
    }

    private String table(List<Row> rows, ToyDataset d) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("CDM ablation on %s: %d steps of %d, %s schedule, seed %d%n%n", d.name(), steps, batch,
                schedule, seed));
        b.append("| loss | accuracy | CE (nats) | eps MSE | MMD (DDPM 1000) | NLL (cdm) | exact NLL | monotone | far excess |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            b.append(String.format("| %s | %.2f%% | %.3f | %.4f | %.5f | %.3f | %.3f | %.3f | %.2f |%n", r.name(),
                    100 * r.accuracy(), r.crossEntropy(), r.squaredError(), r.mmd(), r.nll(), r.exactNll(),
                    r.monotone(), r.farExcess()));
        }
        b.append(String.format("%naccuracy, CE, eps MSE: %d fresh draws, t ~ U{0..T+1}. MMD: %d samples vs %d data"
                + " draws. NLL: single forward pass (Theorem 3.2) on %d data draws. monotone: fraction of level"
                + " steps of " + LogitCurves.MONOTONE_STRIDE + " levels going downhill away from the peak of log p(t'|x_t)"
                + " (8 points x t = 200, 400, 600, 800);"
                + " far excess: mean of model minus exact log p(t'|x_t) over |t' - t| > 300. exact: the dataset's"
                + " true noise-level classifier (its samples are the oracle denoiser's)."
                + (calibrateLevels > 0 ? " calibrated: the row above after level calibration on %d training draws"
                + " per level (one offset per level; input gradients, so eps MSE and samples, unchanged).%n" : "%n"),
                10 * eval, eval, eval, eval, calibrateLevels));
        return b.toString();
    }

    private static String csv(List<Row> rows) {
        StringBuilder b = new StringBuilder(
                "loss,ce_weight,mse_weight,accuracy,cross_entropy,eps_mse,mmd,nll,exact_nll,monotone,far_excess\n");
        for (Row r : rows) {
            ObjectiveSpec.Cdm o = r.objective();
            b.append(String.join(",", r.name(), o == null ? "" : Double.toString(o.ceWeight()),
                    o == null ? "" : Double.toString(o.mseWeight()), Double.toString(r.accuracy()),
                    Double.toString(r.crossEntropy()), Double.toString(r.squaredError()), Double.toString(r.mmd()),
                    Double.toString(r.nll()), Double.toString(r.exactNll()), Double.toString(r.monotone()),
                    Double.toString(r.farExcess()))).append('\n');
        }
        return b.toString();
    }

    private static double[] toDouble(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        return out;
    }
}
