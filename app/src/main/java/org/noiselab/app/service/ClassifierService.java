package org.noiselab.app.service;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.noiselab.app.service.UiThread;
import org.noiselab.engine.likelihood.CdmLikelihood;
import org.noiselab.engine.metric.ClassifierEvaluation;
import org.noiselab.engine.metric.LogitCurves;
import org.noiselab.engine.model.ClassifierDenoiser;
import org.noiselab.engine.model.Denoiser;
import org.noiselab.engine.model.ExactNoiseClassifier;
import org.noiselab.engine.model.NoiseLevelClassifier;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.engine.schedule.ScheduleSpec;
import org.noiselab.toys.ToyDataset;
import org.noiselab.toys.ToyDatasets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates the noise-level classifier behind a model on the analysis thread: logit curves at a probe point (cheap,
 * asked on every drag) and the likelihood map with the confusion matrix (heavier, asked when the model changes). Each
 * kind of request is latest-wins; answers come back on the UI thread. A denoising network has no classifier: the
 * answers then carry only the exact classifier's side.
 */
@Singleton
public final class ClassifierService {

    private static final Logger LOG = LoggerFactory.getLogger(ClassifierService.class);
    /** Confusion matrix: bins per axis and draws. */
    public static final int BINS = 20;
    private static final int DRAWS = 4000;
    private static final int LINE_POINTS = 400;
    private static final int PLANE_POINTS = 80;

    private final Executor thread;
    private final Executor ui;
    private final DenoiserCache models = new DenoiserCache();
    private final Map<String, ExactNoiseClassifier> exact = new HashMap<>();
    private final Map<String, ClassifierEvaluation> exactEvaluations = new HashMap<>();
    /** The single-pass floor (the exact classifier on the fixed data draws), per dataset and schedule. */
    private final Map<String, Double> floors = new HashMap<>();
    private final LatestRequest curves = new LatestRequest();
    private final LatestRequest maps = new LatestRequest();

    @Inject
    public ClassifierService(Workers workers, @UiThread Executor ui) {
        this.thread = workers.analysis();
        this.ui = ui;
    }

    /** Logit curves of the model and the exact classifier at {@code x0} noised to {@code level}. */
    public void requestCurves(ModelSnapshot m, ModelChoice choice, float[] x0, int level, long noiseSeed,
                              Consumer<LogitPicture> onResult, Consumer<Throwable> onError) {
        curves.submit(thread, () -> deliver(() -> {
            NoiseSchedule s = NoiseSchedule.create(m.schedule());
            NoiseLevelClassifier truth = exact(m.dataset(), m.schedule(), s);
            int t = Math.max(0, Math.min(s.steps() + 1, level));
            NoiseLevelClassifier model = classifier(m, choice);
            double[] exactCurve = LogitCurves.curve(truth, s, x0, t, 1, noiseSeed);
            double[] modelCurve = model == null ? null : LogitCurves.curve(model, s, x0, t, 1, noiseSeed);
            return new LogitPicture(x0.clone(), LogitCurves.noised(s, x0, t, noiseSeed), t, modelCurve, exactCurve,
                    m.step());
        }, onResult, onError));
    }

    /** The single-pass likelihood map and the confusion matrix of the model, beside the exact ones. */
    public void requestMaps(ModelSnapshot m, ModelChoice choice, Consumer<ClassifierMaps> onResult,
                            Consumer<Throwable> onError) {
        maps.submit(thread, () -> deliver(() -> computeMaps(m, choice), onResult, onError));
    }

    private ClassifierMaps computeMaps(ModelSnapshot m, ModelChoice choice) {
        NoiseSchedule s = NoiseSchedule.create(m.schedule());
        ToyDataset d = ToyDatasets.byName(m.dataset());
        NoiseLevelClassifier truth = exact(m.dataset(), m.schedule(), s);
        NoiseLevelClassifier model = classifier(m, choice);
        double[] v = d.viewBounds();
        int nx = d.dim() == 1 ? LINE_POINTS : PLANE_POINTS;
        int ny = d.dim() == 1 ? 1 : PLANE_POINTS;
        float[] grid = grid(v, nx, ny, d.dim());
        double[] exactLog = d.mixture().logDensity(toDouble(grid), nx * ny);
        double[] modelLog = model == null ? null : CdmLikelihood.logDensity(model, grid, null, nx * ny);
        String key = m.dataset() + "|" + m.schedule();
        ClassifierEvaluation best = exactEvaluations.computeIfAbsent(key,
                k -> ClassifierEvaluation.evaluate(truth, s, d, DRAWS, BINS, 1));
        ClassifierEvaluation e = model == null ? null : ClassifierEvaluation.evaluate(model, s, d, DRAWS, BINS, 1);
        float[] data = d.sample(DRAWS, 2).pointsAsFloats();
        double exactNll = -mean(d.mixture().logDensity(toDouble(data), DRAWS));
        double nll = model == null ? Double.NaN : -mean(CdmLikelihood.logDensity(model, data, null, DRAWS));
        double floor = floors.computeIfAbsent(key, k -> -mean(CdmLikelihood.logDensity(truth, data, null, DRAWS)));
        double[] confusion = null;
        if (e != null) {
            confusion = new double[BINS * BINS];
            for (int r = 0; r < BINS; r++) {
                System.arraycopy(e.confusionRow(r), 0, confusion, r * BINS, BINS);
            }
        }
        return new ClassifierMaps(d.dim(), v, nx, ny, modelLog, exactLog, BINS, confusion,
                e == null ? Double.NaN : e.accuracy(), best.accuracy(), nll, floor, exactNll, m.step());
    }

    private @Nullable NoiseLevelClassifier classifier(ModelSnapshot m, ModelChoice choice) {
        if (choice == ModelChoice.ORACLE) {
            return exact(m.dataset(), m.schedule(), NoiseSchedule.create(m.schedule()));
        }
        Denoiser denoiser = models.resolve(m, choice);
        return denoiser instanceof ClassifierDenoiser c ? c.classifier() : null;
    }

    private NoiseLevelClassifier exact(String dataset, ScheduleSpec spec, NoiseSchedule s) {
        return exact.computeIfAbsent(dataset + "|" + spec,
                k -> new ExactNoiseClassifier(ToyDatasets.byName(dataset), s));
    }

    private <T> void deliver(java.util.function.Supplier<T> work, Consumer<T> onResult, Consumer<Throwable> onError) {
        try {
            T result = work.get();
            ui.execute(() -> onResult.accept(result));
        } catch (RuntimeException e) {
            LOG.warn("classifier analysis failed", e);
            ui.execute(() -> onError.accept(e));
        }
    }

    private static float[] grid(double[] v, int nx, int ny, int dim) {
        float[] g = new float[nx * ny * dim];
        for (int r = 0; r < ny; r++) {
            for (int c = 0; c < nx; c++) {
                int i = r * nx + c;
                g[i * dim] = (float) (v[0] + (v[1] - v[0]) * (c + 0.5) / nx);
                if (dim == 2) {
                    g[i * dim + 1] = (float) (v[2] + (v[3] - v[2]) * (r + 0.5) / ny);
                }
            }
        }
        return g;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double[] toDouble(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        return out;
    }
}
