package org.noiselab.engine.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.data.ImageShape;
import org.noiselab.engine.data.ToyTrainingData;
import org.noiselab.engine.data.TrainingData;
import org.noiselab.engine.image.ImageDatasets;
import org.noiselab.engine.image.ImageGrid;
import org.noiselab.engine.image.ImageSet;
import org.noiselab.engine.image.ImageTrainingData;
import org.noiselab.engine.io.AtomicFiles;
import org.noiselab.engine.io.Checkpoint;
import org.noiselab.engine.io.CheckpointIO;
import org.noiselab.engine.metric.Mmd;
import org.noiselab.engine.model.ClassifierSpec;
import org.noiselab.engine.model.ConvClassifierSpec;
import org.noiselab.engine.model.MlpSpec;
import org.noiselab.engine.model.ModelSpec;
import org.noiselab.engine.model.Models;
import org.noiselab.engine.model.UNetSpec;
import org.noiselab.engine.model.layer.Activation;
import org.noiselab.engine.objective.LevelCalibration;
import org.noiselab.engine.objective.ObjectiveSpec;
import org.noiselab.engine.optim.AdamWSpec;
import org.noiselab.engine.optim.LearningRateSchedule;
import org.noiselab.engine.sample.DiffusionProblem;
import org.noiselab.engine.sample.SampleResult;
import org.noiselab.engine.sample.SamplerSpec;
import org.noiselab.engine.sample.Samplers;
import org.noiselab.engine.sample.SamplingRequest;
import org.noiselab.engine.schedule.ScheduleSpec;
import org.noiselab.engine.train.DivergenceRule;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code noiselab train}: trains a model on a toy dataset and saves a checkpoint. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a denoiser (or, with --objective cdm, a noise-level classifier) on a toy dataset and save"
            + " a checkpoint.",
            "Defaults give a good dino model in a couple of minutes on 2 cores:",
            "  noiselab train --dataset dino --out dino.nlab"})
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", paramLabel = "NAME", defaultValue = "dino",
            description = "Toy dataset (see 'noiselab datasets') or image dataset: mnist, cifar10, png"
                    + " (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Mixin
    ImageDataOptions images;

    @Option(names = "--base-channels", paramLabel = "C", defaultValue = "32",
            description = "Images: U-Net feature maps at full resolution, a multiple of 8 (default: ${DEFAULT-VALUE}).")
    int baseChannels;

    @Option(names = "--grid", paramLabel = "FILE.png",
            description = "Images: after training, write 64 samples (DDIM, 100 steps, EMA weights) as a PNG grid.")
    Path grid;

    @Option(names = "--objective", paramLabel = "NAME", defaultValue = "ddpm",
            description = "Training objective: " + ObjectiveSpec.NAMES + " (default: ${DEFAULT-VALUE}).")
    String objective;

    @Option(names = "--cdl-weight", paramLabel = "W", defaultValue = "1.0",
            description = "cdl, ddpm+cdl: weight of the contrastive terms (default: ${DEFAULT-VALUE}).")
    double cdlWeight;

    @Option(names = "--cdl-samples", paramLabel = "M", defaultValue = "2",
            description = "cdl, ddpm+cdl: points per batch given a contrastive term (default: ${DEFAULT-VALUE}).")
    int cdlSamples;

    @Option(names = "--cdl-points", paramLabel = "B", defaultValue = "0",
            description = "cdl, ddpm+cdl: integration points per log-density, 0 = batch size (default: ${DEFAULT-VALUE}).")
    int cdlPoints;

    @Option(names = "--ce-weight", paramLabel = "W", defaultValue = "" + ObjectiveSpec.Cdm.DEFAULT_CE_WEIGHT,
            description = "cdm: weight of the cross-entropy over noise levels (default: ${DEFAULT-VALUE}).")
    double ceWeight;

    @Option(names = "--calibrate-levels", paramLabel = "M",
            description = "cdm: after training, fit the per-level offsets of the EMA classifier exactly on M fresh"
                    + " draws per level (the cross-entropy's optimum; it sets the single-pass likelihood), 0 = off"
                    + " (default: " + LevelCalibration.DEFAULT_DRAWS_PER_LEVEL + " for an unconditional toy CDM, 0 for"
                    + " images and conditional models).")
    Integer calibrateLevels;

    @Option(names = "--mse-weight", paramLabel = "W", defaultValue = "1.0",
            description = "cdm: weight of the denoising squared error (default: ${DEFAULT-VALUE}).")
    double mseWeight;

    @Option(names = "--input-scale", paramLabel = "F",
            description = "Highest sinusoidal input frequency (default: 16).")
    Double inputScale;

    @Option(names = "--init", paramLabel = "FILE.nlab",
            description = "Fine-tune: start from this checkpoint's EMA weights, with its architecture, schedule and"
                    + " conditioning; the optimiser starts afresh (images: learning rate 1e-4 without warm-up unless"
                    + " given, as the CDL paper fine-tunes a DDPM).")
    Path init;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Checkpoint to write (.nlab).")
    Path out;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "20000", description = "Optimiser steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "512", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Master seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "1e-3", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "500", description = "Warm-up steps (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--lr-schedule", paramLabel = "cosine|constant", defaultValue = "cosine",
            description = "Decay after warm-up (default: ${DEFAULT-VALUE}).")
    String lrSchedule;

    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "0", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--clip", paramLabel = "NORM", defaultValue = "1.0", description = "Gradient-norm clip, 0 = off (default: ${DEFAULT-VALUE}).")
    double clip;

    @Option(names = "--ema", paramLabel = "DECAY", defaultValue = "0.999", description = "EMA decay of the sampling weights (default: ${DEFAULT-VALUE}).")
    double ema;

    @Option(names = "--conditional",
            description = "Condition the model on the dataset's classes (a learned class table with a null class), for"
                    + " class-conditional sampling and classifier-free guidance.")
    boolean conditional;

    @Option(names = "--p-uncond", paramLabel = "P", defaultValue = "" + TrainingConfig.DEFAULT_LABEL_DROPOUT,
            description = "--conditional: probability that a training point is shown with the null class"
                    + " (default: ${DEFAULT-VALUE}).")
    double pUncond;

    @Option(names = "--width", paramLabel = "W", defaultValue = "128", description = "Hidden units per layer (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--depth", paramLabel = "L", defaultValue = "3", description = "Hidden layers (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--activation", paramLabel = "NAME", defaultValue = "silu", description = "relu, silu, gelu or tanh (default: ${DEFAULT-VALUE}).")
    Activation activation;

    @Option(names = "--schedule", paramLabel = "KIND", defaultValue = "linear", description = "Noise schedule: linear, cosine or uniform (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--timesteps", paramLabel = "T", defaultValue = "1000", description = "Diffusion steps T (default: ${DEFAULT-VALUE}).")
    int timesteps;

    @Option(names = "--log-every", paramLabel = "N", defaultValue = "0", description = "Progress line every N steps (default: 20 lines per run).")
    int logEvery;

    @Option(names = "--autosave-every", paramLabel = "N", defaultValue = "0",
            description = "Save the run to --out every N steps (atomically); 0 = only at the end (default: ${DEFAULT-VALUE}).")
    int autosaveEvery;

    @Option(names = "--diverge-factor", paramLabel = "F", defaultValue = "" + DivergenceRule.DEFAULT_FACTOR,
            description = "Call the run diverged when its loss stays above F times its running minimum (of the"
                    + " 10-step moving mean) for --diverge-steps steps; it then stops, keeps the last good weights and"
                    + " exits with code 3 (default: ${DEFAULT-VALUE}).")
    double divergeFactor;

    @Option(names = "--diverge-steps", paramLabel = "N", defaultValue = "" + DivergenceRule.DEFAULT_STEPS,
            description = "Consecutive steps above --diverge-factor that make a divergence; 0 = only a NaN or infinite"
                    + " loss or gradient counts (default: ${DEFAULT-VALUE}).")
    int divergeSteps;

    @Option(names = "--eval-samples", paramLabel = "N", defaultValue = "2000",
            description = "After training, MMD of N DDPM samples (1000 steps) against N data draws; 0 = skip (default: ${DEFAULT-VALUE}).")
    int evalSamples;

    @Override
    public Integer call() throws IOException {
        AtomicFiles.checkTargets(out, grid);
        DivergenceRule rule = new DivergenceRule(divergeFactor, divergeSteps);
        if (logEvery < 0) {
            throw new InvalidConfigException("--log-every", logEvery, "must be >= 0 (0 = 20 lines per run)");
        }
        ImageSet images = ImageDatasets.isImageDataset(dataset) ? this.images.split(dataset, 0).train() : null;
        Checkpoint source = init == null ? null : initialCheckpoint();
        TrainingSetup setup = images == null ? setup() : imageSetup(images);
        if (source != null) {
            setup = setup.fineTuning(source.setup(), new TrainingSetup.InitialWeights(init.getFileName().toString(),
                    source.state().step(), CheckpointIO.parametersSha256(source.state().emaParameters())));
            conditional = setup.model().classCount() > 0;
        }
        PrintWriter outw = spec.commandLine().getOut();
        outw.printf("training %s (%s) on %s%s: %d steps of %d, %d parameters, seed %d%n", setup.model().kind(),
                objective, dataset, conditional ? " (conditional on " + setup.model().classCount()
                        + " classes, p_uncond " + pUncond + ")" : "", steps, batch, setup.model().parameterCount(),
                seed);
        TrainingData data = images == null ? new ToyTrainingData(ToyDatasets.byName(dataset))
                : new ImageTrainingData(images);
        TrainingSession session = source == null ? TrainingSession.start(setup, data)
                : TrainingSession.startFrom(setup, data, source.state().emaParameters());
        if (source != null) {
            outw.printf("fine-tuning from %s (step %d of its run, EMA weights)%n", init, source.state().step());
        }
        session.useDivergenceRule(rule);
        int perLevel = calibrationDraws(session);
        TrainingControl control = new TrainingControl();
        CountDownLatch saved = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            control.cancel();
            try {
                saved.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "noiselab-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            int every = logEvery > 0 ? logEvery : Math.max(1, steps / 20);
            List<org.noiselab.engine.train.TrainingListener> listeners = new java.util.ArrayList<>();
            listeners.add(new ConsoleProgress(outw, every));
            if (autosaveEvery > 0) {
                listeners.add(new org.noiselab.engine.io.Autosave(out, autosaveEvery));
            }
            TrainingOutcome outcome = TrainingLoop.run(session, control, listeners);
            return finish(session, outcome, perLevel, outw);
        } finally {
            saved.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting because of the interrupt; the checkpoint has been written
            }
        }
    }

    private int finish(TrainingSession session, TrainingOutcome outcome, int perLevel, PrintWriter outw)
            throws IOException {
        Map<String, Double> metrics = new LinkedHashMap<>();
        float[] losses = session.lossHistory();
        if (losses.length > 0) {
            metrics.put("finalLoss", meanOfLast(losses, 100));
        }
        if (outcome.status() == TrainingOutcome.Status.COMPLETED && perLevel > 0) {
            outw.printf("calibrating the levels...%n");
            outw.flush();
            LevelCalibration.Result r = session.calibrateLevels(perLevel);
            metrics.put("levelCalibrationShift", r.likelihoodShift());
            outw.printf("level calibration (%d draws per level, %s)%n", perLevel, r.describe());
        }
        if (outcome.status() == TrainingOutcome.Status.COMPLETED && grid != null) {
            writeGrid(session, outw);
        }
        if (outcome.status() == TrainingOutcome.Status.COMPLETED && evalSamples > 1
                && !(session.data() instanceof ImageTrainingData)) {
            double mmd = evaluate(session);
            metrics.put("mmdDdpm1000", mmd);
            outw.printf("MMD of %d DDPM samples (1000 steps) against %d data draws: %.5f%n", evalSamples,
                    evalSamples, mmd);
        }
        CheckpointIO.save(CheckpointIO.of(session.setup(), session.state(), metrics), out);
        switch (outcome.status()) {
            case COMPLETED -> outw.printf("saved %s (step %d)%n", out, session.step());
            case CANCELLED -> outw.printf("interrupted: saved %s at step %d of %d%n", out, session.step(), steps);
            case DIVERGED -> {
                outw.printf("saved the last good weights (step %d) to %s%n", session.step(), out);
                throw (RuntimeException) outcome.error();
            }
            case FAILED -> throw (RuntimeException) outcome.error();
        }
        outw.flush();
        return 0;
    }

    private double evaluate(TrainingSession session) {
        int t = session.schedule().steps();
        SampleResult r = Samplers.create(new SamplerSpec.Ddpm(t)).sample(
                new DiffusionProblem(session.emaDenoiser(), session.schedule()),
                SamplingRequest.of(evalSamples, session.setup().seeds().sample()));
        ToyDataset d = ToyDatasets.byName(dataset);
        float[] data = d.sample(evalSamples, session.setup().seeds().data() ^ 0x5DEECE66DL).pointsAsFloats();
        return Mmd.mmd(r.points(), evalSamples, data, evalSamples, d.dim());
    }

    /** The draws per level of the level calibration: as given, or the default for an unconditional toy CDM. */
    private int calibrationDraws(TrainingSession session) {
        boolean cdm = session.setup().objective() instanceof ObjectiveSpec.Cdm;
        if (calibrateLevels != null) {
            LevelCalibration.checkDrawsOrOff("--calibrate-levels", session.schedule().steps() + 2, calibrateLevels);
            if (calibrateLevels > 0 && !cdm) {
                throw new InvalidConfigException("--calibrate-levels", calibrateLevels, "applies to --objective cdm");
            }
            return calibrateLevels;
        }
        boolean toy = !(session.data() instanceof ImageTrainingData);
        return cdm && toy && session.setup().model().classCount() == 0 ? LevelCalibration.DEFAULT_DRAWS_PER_LEVEL : 0;
    }

    private void writeGrid(TrainingSession session, PrintWriter outw) throws IOException {
        ImageShape shape = Models.imageShape(session.setup().model());
        SampleResult r = Samplers.create(new SamplerSpec.Ddim(Math.min(100, session.schedule().steps()), 0)).sample(
                new DiffusionProblem(session.emaDenoiser(), session.schedule()),
                SamplingRequest.of(64, session.setup().seeds().sample()));
        ImageGrid.writePng(r.points(), 0, r.n(), shape.channels(), shape.height(), shape.width(), 8, 2, 2, grid);
        outw.printf("wrote 64 samples (DDIM, 100 steps) to %s%n", grid);
    }

    /**
     * A U-Net denoiser (ddpm) or a convolutional noise-level classifier (cdm, cross-entropy weight 0.001 per pixel value,
     * the paper's balance, unless given)
     * on the images. Options left at their toy defaults take image defaults instead: 4000 steps of
     * 64 images, peak learning rate 5e-4 after 200 warm-up steps.
     */
    private TrainingSetup imageSetup(ImageSet images) {
        var parsed = spec.commandLine().getParseResult();
        ObjectiveSpec objectiveSpec = objective();
        if (objectiveSpec instanceof ObjectiveSpec.Cdm cdm && !parsed.hasMatchedOption("--ce-weight")) {
            objectiveSpec = new ObjectiveSpec.Cdm(ObjectiveSpec.Cdm.IMAGE_CE_WEIGHT_PER_VALUE * images.dim(),
                    cdm.mseWeight());
        }
        if (conditional && images.classCount() == 0) {
            throw new InvalidConfigException("--conditional", dataset, "these images have no labels");
        }
        int s = parsed.hasMatchedOption("--steps") ? steps : 4000;
        int b = parsed.hasMatchedOption("--batch") ? batch : 64;
        double rate = parsed.hasMatchedOption("--lr") ? lr : init != null ? 1e-4 : 5e-4;
        int warm = parsed.hasMatchedOption("--warmup") ? warmup : init != null ? 0 : 200;
        steps = s;
        batch = b;
        int classes = conditional ? images.classCount() : 0;
        UNetSpec unet = new UNetSpec(images.channels(), images.height(), images.width(), baseChannels,
                UNetSpec.defaults(images.channels(), images.height(), images.width()).levels(), classes);
        ModelSpec model = objectiveSpec instanceof ObjectiveSpec.Cdm
                ? new ConvClassifierSpec(unet.channels(), unet.height(), unet.width(), baseChannels, unet.levels(),
                        timesteps + 2, classes)
                : unet;
        TrainingConfig config = new TrainingConfig(s, b, learningRate(rate, warm),
                AdamWSpec.DEFAULT.withWeightDecay(weightDecay).withClipNorm(clip), ema, pUncond);
        return new TrainingSetup(images.name(), model, ScheduleSpec.parse(schedule, timesteps), objectiveSpec,
                config, RunSeeds.from(seed));
    }

    /**
     * The checkpoint named by {@code --init}; architecture options cannot be given beside it, since the architecture is
     * the checkpoint's.
     */
    private Checkpoint initialCheckpoint() throws IOException {
        var parsed = spec.commandLine().getParseResult();
        for (String option : List.of("--width", "--depth", "--activation", "--input-scale", "--base-channels",
                "--schedule", "--timesteps")) {
            if (parsed.hasMatchedOption(option)) {
                throw new InvalidConfigException(option, parsed.matchedOptionValue(option, ""),
                        "the architecture and schedule come from --init " + init);
            }
        }
        return CheckpointIO.load(init);
    }

    private LearningRateSchedule learningRate(double peak, int warm) {
        return switch (lrSchedule) {
            case "cosine" -> new LearningRateSchedule(peak, warm, true, 0.05);
            case "constant" -> new LearningRateSchedule(peak, warm, false, 1);
            default -> throw new InvalidConfigException("--lr-schedule", lrSchedule, "expected cosine or constant");
        };
    }

    private static double meanOfLast(float[] v, int k) {
        double s = 0;
        int from = Math.max(0, v.length - k);
        for (int i = from; i < v.length; i++) {
            s += v[i];
        }
        return s / (v.length - from);
    }

    private TrainingSetup setup() {
        ToyDataset d = ToyDatasets.byName(dataset);
        if (autosaveEvery < 0) {
            throw new InvalidConfigException("--autosave-every", autosaveEvery, "must be >= 0");
        }
        if (evalSamples < 0 || evalSamples == 1) {
            throw new InvalidConfigException("--eval-samples", evalSamples, "must be 0 or at least 2");
        }
        LearningRateSchedule rate = learningRate(lr, warmup);
        TrainingConfig config = new TrainingConfig(steps, batch, rate,
                AdamWSpec.DEFAULT.withWeightDecay(weightDecay).withClipNorm(clip), ema, pUncond);
        ObjectiveSpec objectiveSpec = objective();
        if (conditional && !d.labelled()) {
            throw new InvalidConfigException("--conditional", dataset, "the dataset has no classes (labelled ones:"
                    + " three-class, datasaurus)");
        }
        return new TrainingSetup(d.name(), model(d.dim(), objectiveSpec, conditional ? d.classCount() : 0),
                ScheduleSpec.parse(schedule, timesteps), objectiveSpec, config, RunSeeds.from(seed));
    }

    /** A noise-level classifier for the cdm objective, a denoising network otherwise. */
    private ModelSpec model(int dim, ObjectiveSpec objectiveSpec, int classes) {
        ModelSpec m = TrainingSetup.defaultModel(objectiveSpec, dim, timesteps, width, depth, activation);
        if (m instanceof ClassifierSpec c) {
            return c.withInputScale(inputScale == null ? c.inputScale() : inputScale).withClassCount(classes);
        }
        MlpSpec mlp = (MlpSpec) m;
        return mlp.withInputScale(inputScale == null ? mlp.inputScale() : inputScale).withClassCount(classes);
    }

    private ObjectiveSpec objective() {
        ObjectiveSpec spec = ObjectiveSpec.parse(objective);
        ObjectiveSpec.ContrastiveSettings cdl = new ObjectiveSpec.ContrastiveSettings(cdlWeight, cdlSamples,
                cdlPoints);
        if (spec instanceof ObjectiveSpec.Cdl) {
            return new ObjectiveSpec.Cdl(cdl);
        }
        if (spec instanceof ObjectiveSpec.Cdm) {
            return new ObjectiveSpec.Cdm(ceWeight, mseWeight);
        }
        return spec instanceof ObjectiveSpec.DdpmCdl ? new ObjectiveSpec.DdpmCdl(cdl) : spec;
    }
}
