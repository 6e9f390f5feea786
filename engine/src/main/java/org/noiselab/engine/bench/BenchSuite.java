package org.noiselab.engine.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.noiselab.engine.image.ImageSet;
import org.noiselab.engine.image.ImageTrainingData;
import org.noiselab.engine.io.Checkpoint;
import org.noiselab.engine.kernel.Parallelism;
import org.noiselab.engine.model.ClassifierSpec;
import org.noiselab.engine.model.ConvClassifierSpec;
import org.noiselab.engine.model.Denoiser;
import org.noiselab.engine.model.GuidedDenoiser;
import org.noiselab.engine.model.MlpDenoiser;
import org.noiselab.engine.model.MlpSpec;
import org.noiselab.engine.model.ModelSpec;
import org.noiselab.engine.model.UNetSpec;
import org.noiselab.engine.objective.ObjectiveSpec;
import org.noiselab.engine.optim.AdamWSpec;
import org.noiselab.engine.optim.LearningRateSchedule;
import org.noiselab.engine.sample.DiffusionProblem;
import org.noiselab.engine.sample.PicardIteration;
import org.noiselab.engine.sample.PicardSampler;
import org.noiselab.engine.sample.PicardSpec;
import org.noiselab.engine.sample.SamplerSpec;
import org.noiselab.engine.sample.Samplers;
import org.noiselab.engine.sample.SamplingRequest;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.engine.schedule.ScheduleSpec;
import org.noiselab.engine.train.RunSeeds;
import org.noiselab.engine.train.TrainingConfig;
import org.noiselab.engine.train.TrainingSession;
import org.noiselab.engine.train.TrainingSetup;

/**
 * The throughput benchmarks, each warmed up and then timed several times: DDPM training of the 3 x 128 MLP on dino at
 * batch 256 and 4096 (AdamW, float32), CDM training of a classifier of the same size at batch 256, DDPM sampling of 1000 and 10,000 points with 1000 steps, and Picard on dino.
 * Runs on the calling thread with {@link Parallelism} set to the requested kernel threads.
 *
 * @param repeats        timed runs per benchmark
 * @param picardModel    a trained dino checkpoint for the Picard benchmark, or {@code null} to skip it
 * @param picardSamples  samples of the Picard benchmark
 * @param smoke          shrink every size (a check that the suite runs, not a measurement)
 */
public record BenchSuite(int repeats, @Nullable Checkpoint picardModel, int picardSamples, boolean smoke) {

    /** Runs every benchmark with the given kernel threads, reporting each result as it is done. */
    public List<BenchResult> run(int threads, Consumer<BenchResult> progress) {
        int before = Parallelism.threads();
        Parallelism.setThreads(threads);
        try {
            List<BenchResult> out = new ArrayList<>();
            report(out, progress, training(256, smoke ? 5 : 300, smoke ? 5 : 400, threads));
            report(out, progress, training(smoke ? 512 : 4096, smoke ? 2 : 20, smoke ? 2 : 25, threads));
            report(out, progress, cdmTraining(smoke ? 5 : 60, smoke ? 5 : 80, threads));
            report(out, progress, imageTraining(false, smoke, threads));
            report(out, progress, imageTraining(true, smoke, threads));
            report(out, progress, sampling(smoke ? 100 : 1000, threads));
            report(out, progress, sampling(smoke ? 200 : 10_000, threads));
            report(out, progress, guidedSampling(threads));
            if (picardModel != null) {
                out.addAll(picard(threads));
                out.subList(out.size() - 2, out.size()).forEach(progress);
            }
            return out;
        } finally {
            Parallelism.setThreads(before);
        }
    }

    private static void report(List<BenchResult> out, Consumer<BenchResult> progress, BenchResult r) {
        out.add(r);
        progress.accept(r);
    }

    /** The benchmark model: defaults of {@link MlpSpec} for 2D (sinusoidal input and log-SNR features). */
    static TrainingSetup setup(int batch, int steps) {
        TrainingConfig config = new TrainingConfig(steps, batch, LearningRateSchedule.constant(1e-3),
                AdamWSpec.DEFAULT, 0.999);
        return new TrainingSetup("dino", MlpSpec.defaults(2), new ScheduleSpec.LinearBeta(1000, 1e-4, 0.02),
                new ObjectiveSpec.Ddpm(), config, RunSeeds.from(1));
    }

    /**
     * CDM training of the same width and depth at batch 256: a noise-level classifier over T + 2 = 1002 levels with
     * the cross-entropy and the double-backward squared error (what a CDM step costs beside a DDPM step).
     */
    private BenchResult cdmTraining(int warmup, int steps, int threads) {
        TrainingSetup ddpm = setup(256, warmup + repeats * steps);
        TrainingSetup cdm = new TrainingSetup(ddpm.dataset(), ClassifierSpec.defaults(2, 1000), ddpm.schedule(),
                ObjectiveSpec.Cdm.DEFAULT, ddpm.config(), ddpm.seeds());
        double[] runs = timeSteps(TrainingSession.start(cdm), warmup, steps);
        return new BenchResult("train.cdm.batch256", "CDM training steps/s, 3x128 classifier (1002 levels) on dino,"
                + " batch 256", threads, "steps/s", runs);
    }

    /**
     * Image models at MNIST's shape, batch 64: the U-Net denoiser (DDPM) or the convolutional noise-level classifier
     * (CDM, whose step adds the input gradient and the central-difference Hessian-vector product), 32 base channels.
     * The images are random: timing does not depend on them.
     */
    private BenchResult imageTraining(boolean cdm, boolean smokeRun, int threads) {
        int count = 256;
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        float[] pixels = new float[count * 784];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) rng.nextDouble(-1, 1);
        }
        ImageSet images = new ImageSet("random-28x28", 1, 28, 28, count, pixels, null, java.util.List.of());
        int base = smokeRun ? 8 : 32;
        int warmup = smokeRun ? 1 : 3;
        int steps = smokeRun ? 1 : 5;
        ModelSpec model = cdm ? new ConvClassifierSpec(1, 28, 28, base, 3, 1002, 0) : new UNetSpec(1, 28, 28, base, 3, 0);
        TrainingConfig config = new TrainingConfig(warmup + repeats * steps, 64, LearningRateSchedule.constant(2e-4),
                AdamWSpec.DEFAULT, 0.999);
        TrainingSetup setup = new TrainingSetup(images.name(), model, new ScheduleSpec.LinearBeta(1000, 1e-4, 0.02),
                cdm ? new ObjectiveSpec.Cdm(0.784, 1) : new ObjectiveSpec.Ddpm(), config, RunSeeds.from(1));
        double[] runs = timeSteps(TrainingSession.start(setup, new ImageTrainingData(images)), warmup, steps);
        return new BenchResult(cdm ? "train.image.cdm.batch64" : "train.image.unet.batch64", cdm
                ? "CDM training steps/s, convolutional classifier (32 channels, 1002 levels), 28x28, batch 64"
                : "DDPM training steps/s, U-Net (32 base channels, 3 levels), 28x28, batch 64", threads, "steps/s",
                runs);
    }

    private BenchResult training(int batch, int warmup, int steps, int threads) {
        double[] runs = timeSteps(TrainingSession.start(setup(batch, warmup + repeats * steps)), warmup, steps);
        return new BenchResult("train.batch" + batch, "DDPM training steps/s, 3x128 MLP on dino, batch " + batch,
                threads, "steps/s", runs);
    }

    private double[] timeSteps(TrainingSession session, int warmup, int steps) {
        double[] runs = new double[repeats];
        for (int i = 0; i < warmup; i++) {
            session.trainStep();
        }
        for (int r = 0; r < repeats; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                session.trainStep();
            }
            runs[r] = steps / ((System.nanoTime() - start) / 1e9);
        }
        return runs;
    }

    private BenchResult sampling(int n, int threads) {
        Denoiser model = MlpDenoiser.initialise(MlpSpec.defaults(2), 3);
        DiffusionProblem problem = new DiffusionProblem(model, NoiseSchedule.linear(1000));
        int steps = smoke ? 20 : 1000;
        Samplers.create(new SamplerSpec.Ddpm(smoke ? 5 : 100)).sample(problem, SamplingRequest.of(n, 0));
        double[] runs = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long start = System.nanoTime();
            Samplers.create(new SamplerSpec.Ddpm(steps)).sample(problem, SamplingRequest.of(n, r));
            runs[r] = (System.nanoTime() - start) / 1e9;
        }
        return new BenchResult("sample.n" + n, "DDPM sampling, " + n + " points x " + steps + " steps (s)", threads,
                "s", runs);
    }

    /**
     * The guidance slider's re-sampling: 2000 points of one class, 50 DDIM steps, a conditional 3x128 MLP over the 13
     * Datasaurus classes with guidance (each step one call on the doubled batch).
     */
    private BenchResult guidedSampling(int threads) {
        Denoiser model = new GuidedDenoiser(MlpDenoiser.initialise(MlpSpec.defaults(2).withClassCount(13), 3), 2);
        DiffusionProblem problem = new DiffusionProblem(model, NoiseSchedule.linear(1000));
        int n = smoke ? 200 : 2000;
        Samplers.create(new SamplerSpec.Ddim(50, 0)).sample(problem, SamplingRequest.ofClass(n, 0, 5));
        double[] runs = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long start = System.nanoTime();
            Samplers.create(new SamplerSpec.Ddim(50, 0)).sample(problem, SamplingRequest.ofClass(n, 0, 5));
            runs[r] = (System.nanoTime() - start) / 1e9;
        }
        return new BenchResult("sample.guided.n" + n, "guided DDIM sampling (slider), " + n + " points x 50 steps (s)",
                threads, "s", runs);
    }

    private List<BenchResult> picard(int threads) {
        Checkpoint c = picardModel;
        DiffusionProblem problem = new DiffusionProblem(c.emaDenoiser(), c.schedule());
        PicardSpec spec = new PicardSpec(c.schedule().steps(), 0, 0.1, PicardSpec.Drift.DDPM);
        int[] iterations = new int[1];
        long start = System.nanoTime();
        new PicardSampler(spec).sample(problem, SamplingRequest.of(picardSamples, 0), new int[0],
                (PicardIteration it) -> iterations[0] = it.iteration());
        double seconds = (System.nanoTime() - start) / 1e9;
        String what = "Picard on dino, " + picardSamples + " samples, T = 1000, tol 0.1, no window";
        return List.of(new BenchResult("picard.iterations", what + ": iterations", threads, "iterations",
                        new double[] {iterations[0]}),
                new BenchResult("picard.seconds", what + ": wall time (s)", threads, "s", new double[] {seconds}));
    }
}
