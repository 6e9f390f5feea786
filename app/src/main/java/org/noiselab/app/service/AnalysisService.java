package org.noiselab.app.service;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.noiselab.app.service.UiThread;
import org.noiselab.engine.io.Checkpoint;
import org.noiselab.engine.io.CheckpointIO;
import org.noiselab.engine.metric.ClassSampleStats;
import org.noiselab.engine.metric.Mmd;
import org.noiselab.engine.metric.ScoreErrorGrid;
import org.noiselab.engine.model.Denoiser;
import org.noiselab.engine.model.GuidedDenoiser;
import org.noiselab.engine.sample.DiffusionProblem;
import org.noiselab.engine.sample.PicardIteration;
import org.noiselab.engine.sample.PicardListener;
import org.noiselab.engine.sample.PicardSampler;
import org.noiselab.engine.sample.PicardSpec;
import org.noiselab.engine.sample.SampleResult;
import org.noiselab.engine.sample.SamplerSpec;
import org.noiselab.engine.sample.Samplers;
import org.noiselab.engine.sample.SamplingListener;
import org.noiselab.engine.sample.SamplingRequest;
import org.noiselab.engine.sample.SamplingStep;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.toys.ToyDataset;
import org.noiselab.toys.ToyDatasets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates model snapshots on the analysis thread: score-error grids (latest request wins, so a view asking 30
 * times a second while training gets the newest grid, at most about 12 a second) and recorded sampling runs.
 * Results come back on the UI thread.
 */
@Singleton
public final class AnalysisService {

    private static final Logger LOG = LoggerFactory.getLogger(AnalysisService.class);
    /** At most about 12 grids a second: enough for a live view, and it leaves CPU for the UI on two cores. */
    private static final long MIN_GRID_INTERVAL_NANOS = 80_000_000L;

    private final ExecutorService thread;
    private final Executor ui;
    private final DenoiserCache models = new DenoiserCache();
    private final AtomicReference<GridJob> pendingGrid = new AtomicReference<>();
    private long lastGridStart;

    @Inject
    public AnalysisService(Workers workers, @UiThread Executor ui) {
        this.thread = workers.analysis();
        this.ui = ui;
    }

    /** A score-grid request and where its answer goes. */
    private record GridJob(ModelSnapshot model, ModelChoice choice, GridSpec spec, Consumer<ScoreGridResult> onResult,
                           Consumer<Throwable> onError) {
    }

    /**
     * Asks for a score-error grid; a newer request replaces one not yet started. The callbacks run on the UI thread.
     */
    public void requestScoreGrid(ModelSnapshot model, ModelChoice choice, GridSpec spec,
                                 Consumer<ScoreGridResult> onResult, Consumer<Throwable> onError) {
        GridJob previous = pendingGrid.getAndSet(new GridJob(model, choice, spec, onResult, onError));
        if (previous == null) {
            thread.execute(this::drainGrid);
        }
    }

    private void drainGrid() {
        long wait = lastGridStart + MIN_GRID_INTERVAL_NANOS - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        GridJob job = pendingGrid.getAndSet(null);
        if (job == null) {
            return;
        }
        try {
            long start = System.nanoTime();
            lastGridStart = start;
            ScoreErrorGrid grid = computeGrid(job);
            ScoreGridResult result = new ScoreGridResult(job.spec, job.choice, job.model.step(), grid,
                    System.nanoTime() - start);
            ui.execute(() -> job.onResult.accept(result));
        } catch (RuntimeException e) {
            LOG.warn("score grid failed", e);
            ui.execute(() -> job.onError.accept(e));
        }
    }

    private ScoreErrorGrid computeGrid(GridJob job) {
        Denoiser model = models.resolve(job.model, job.choice);
        Denoiser oracle = models.oracle(job.model.dataset());
        NoiseSchedule schedule = NoiseSchedule.create(job.model.schedule());
        if (job.spec instanceof GridSpec.Line line) {
            float[] xs = axis(line.xMin(), line.xMax(), line.nx());
            int count = schedule.steps() / line.stride();
            int[] steps = new int[count];
            for (int i = 0; i < count; i++) {
                steps[i] = (i + 1) * line.stride();
            }
            return ScoreErrorGrid.compute(model, oracle, schedule, xs, line.nx(), steps);
        }
        GridSpec.Plane plane = (GridSpec.Plane) job.spec;
        float[] xs = axis(plane.xMin(), plane.xMax(), plane.nx());
        float[] ys = axis(plane.yMin(), plane.yMax(), plane.ny());
        float[] points = new float[2 * plane.nx() * plane.ny()];
        for (int r = 0; r < plane.ny(); r++) {
            for (int c = 0; c < plane.nx(); c++) {
                points[2 * (r * plane.nx() + c)] = xs[c];
                points[2 * (r * plane.nx() + c) + 1] = ys[r];
            }
        }
        return ScoreErrorGrid.compute(model, oracle, schedule, points, plane.nx() * plane.ny(),
                new int[] {plane.t()});
    }

    /** Cell centres of {@code n} equal cells covering {@code [lo, hi]}. */
    static float[] axis(double lo, double hi, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (lo + (hi - lo) * (i + 0.5) / n);
        }
        return a;
    }

    /** Runs a sampler and records every state; the future completes on the UI thread. */
    public CompletableFuture<SampleTrajectory> sample(ModelSnapshot model, ModelChoice choice, SamplerSpec sampler,
                                                      int n, long seed) {
        return sample(model, choice, sampler, n, seed, null);
    }

    /**
     * Samples on the analysis thread, of one class with classifier-free guidance when {@code guidance} is given (the
     * same seed gives the same noise at every weight), and measures the class's samples; completes on the UI thread.
     */
    public CompletableFuture<SampleTrajectory> sample(ModelSnapshot model, ModelChoice choice, SamplerSpec sampler,
                                                      int n, long seed, SampleTrajectory.@Nullable Guidance guidance) {
        CompletableFuture<SampleTrajectory> work = CompletableFuture.supplyAsync(() -> {
            Denoiser denoiser = models.resolve(model, choice);
            SamplingRequest request = SamplingRequest.of(n, seed);
            if (guidance != null) {
                denoiser = guidance.weight() == 0 ? denoiser : new GuidedDenoiser(denoiser, guidance.weight());
                request = SamplingRequest.ofClass(n, seed, guidance.label());
            }
            List<SamplingStep> steps = new ArrayList<>();
            SamplingListener recorder = new SamplingListener() {
                @Override
                public void onStart(SamplingStep initial) {
                    steps.add(initial);
                }

                @Override
                public void onStep(SamplingStep step) {
                    steps.add(step);
                }
            };
            long start = System.nanoTime();
            SampleResult r = Samplers.create(sampler).sample(
                    new DiffusionProblem(denoiser, NoiseSchedule.create(model.schedule())), request, recorder);
            double millis = (System.nanoTime() - start) / 1e6;
            ToyDataset d = ToyDatasets.byName(model.dataset());
            ClassSampleStats stats = guidance == null || !d.labelled() ? null
                    : ClassSampleStats.of(d, guidance.label(), r.points(), r.n(),
                    d.dim() == 1 ? 1.0 : Mmd.DEFAULT_BANDWIDTH, seed + 1);
            return SampleTrajectory.of(sampler, choice, steps, r.n(), r.dim(), r.evaluations(), guidance, stats,
                    millis);
        }, thread);
        return work.thenApplyAsync(t -> t, ui);
    }

    /**
     * Runs Picard iteration for a model on the analysis thread, publishing the frames recorded so far to
     * {@code progress} (coalesced, on the UI thread); the future completes on the UI thread with the whole run.
     */
    public CompletableFuture<PicardRun> picard(ModelRef ref, PicardSpec spec, int n, long seed, int tracked,
                                               Consumer<PicardRun> progress, java.util.function.BooleanSupplier cancel) {
        CoalescingPublisher<PicardRun> publisher = new CoalescingPublisher<>(ui, progress);
        return CompletableFuture.supplyAsync(() -> {
            Resolved model = resolve(ref);
            int[] tau = Samplers.respacedSteps(model.schedule().steps(), spec.steps());
            float[] data = model.dataset().sample(n, seed ^ 0x5DEECE66DL).pointsAsFloats();
            int dim = model.denoiser().dim();
            List<PicardRun.Frame> frames = new ArrayList<>();
            int[] trackedIndices = new int[Math.min(tracked, n)];
            for (int i = 0; i < trackedIndices.length; i++) {
                trackedIndices[i] = i;
            }
            new PicardSampler(spec).sample(new DiffusionProblem(model.denoiser(), model.schedule()),
                    SamplingRequest.of(n, seed), trackedIndices, new PicardListener() {
                        @Override
                        public void onIteration(PicardIteration it) {
                            double mmd = Mmd.mmd(it.finalState(), n, data, n, dim);
                            frames.add(new PicardRun.Frame(it.iteration(), it.converged(), it.evaluations(), mmd,
                                    it.finalState(), it.trajectories()));
                            publisher.publish(new PicardRun(ref.label(), spec, tau, dim, List.copyOf(frames), false));
                        }

                        @Override
                        public boolean cancelled() {
                            return cancel.getAsBoolean();
                        }
                    });
            return new PicardRun(ref.label(), spec, tau, dim, List.copyOf(frames), true);
        }, thread).thenApplyAsync(r -> r, ui);
    }

    /** A model ready to evaluate, with its schedule and dataset. */
    private record Resolved(Denoiser denoiser, NoiseSchedule schedule, ToyDataset dataset) {
    }

    private Resolved resolve(ModelRef ref) {
        if (ref instanceof ModelRef.Current c) {
            return new Resolved(models.resolve(c.snapshot(), c.choice()), NoiseSchedule.create(c.snapshot().schedule()),
                    ToyDatasets.byName(c.snapshot().dataset()));
        }
        Checkpoint checkpoint;
        if (ref instanceof ModelRef.File f) {
            try {
                checkpoint = CheckpointIO.load(f.path());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        } else {
            checkpoint = DefaultRun.load(((ModelRef.Shipped) ref).shipped().resource());
        }
        return new Resolved(checkpoint.emaDenoiser(), checkpoint.schedule(),
                ToyDatasets.byName(checkpoint.setup().dataset()));
    }

    /** Runs any computation on the analysis thread; the future completes on the UI thread. */
    public <T> CompletableFuture<T> compute(java.util.function.Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, thread).thenApplyAsync(t -> t, ui);
    }
}
