package org.noiselab.engine.train;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.data.ToyTrainingData;
import org.noiselab.engine.data.TrainingBatch;
import org.noiselab.engine.data.TrainingData;
import org.noiselab.engine.model.Denoiser;
import org.noiselab.engine.model.Models;
import org.noiselab.engine.model.TrainableClassifier;
import org.noiselab.engine.model.TrainableModel;
import org.noiselab.engine.objective.DiffusionLoss;
import org.noiselab.engine.objective.LevelCalibration;
import org.noiselab.engine.objective.Objectives;
import org.noiselab.engine.optim.AdamW;
import org.noiselab.engine.optim.ExponentialMovingAverage;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.toys.ToyDatasets;

/**
 * The state of one training run and its step: draw a batch, compute loss and gradient, refuse non-finite values,
 * update with AdamW, fold into the EMA. {@link TrainingLoop} drives it; everything else (logging, snapshots,
 * checkpoints) listens. Confined to one compute thread.
 */
public final class TrainingSession {

    /** Salt of the label-dropout stream, so it differs from the training noise stream of the same step. */
    private static final long LABEL_STREAM = 0x6C6162656C64726FL;
    /** Salt of the level-calibration draws. */
    private static final long CALIBRATION_STREAM = 0x63616C6962726174L;

    private final TrainingSetup setup;
    private final NoiseSchedule schedule;
    private final TrainingData data;
    private final TrainableModel model;
    private final DiffusionLoss loss;
    private AdamW optimizer;
    private ExponentialMovingAverage ema;
    private final float[] batchX;
    private final int[] batchLabels;
    private float[] lossHistory;
    private int step;
    private DivergenceWatch divergence;
    /** The last state whose next loss was within the divergence rule, taken every {@code rule.steps()} steps. */
    private TrainingState lastGood;

    private TrainingSession(TrainingSetup setup, TrainingData data, TrainableModel model, AdamW optimizer,
                            ExponentialMovingAverage ema, int step, float[] lossHistory) {
        this.setup = setup;
        this.schedule = NoiseSchedule.create(setup.schedule());
        this.data = data;
        if (!data.name().equals(setup.dataset())) {
            throw new IllegalArgumentException("data '" + data.name() + "' is not the setup's '" + setup.dataset()
                    + "'");
        }
        if (data.dim() != setup.model().dim()) {
            throw new org.noiselab.engine.InvalidConfigException("model.dim", setup.model().dim(),
                    "dataset " + data.name() + " has dimension " + data.dim());
        }
        this.model = model;
        this.loss = Objectives.create(setup.objective(), schedule, data.variances(), setup.config().batchSize());
        this.optimizer = optimizer;
        this.ema = ema;
        this.step = step;
        this.lossHistory = lossHistory;
        int batch = setup.config().batchSize();
        this.batchX = new float[batch * data.dim()];
        int classes = setup.model().classCount();
        if (classes > 0 && classes != data.classCount()) {
            throw new org.noiselab.engine.InvalidConfigException("model.classCount", classes, "dataset " + data.name()
                    + (data.classCount() > 1 ? " has " + data.classCount() + " classes" : " is unlabelled"));
        }
        this.batchLabels = classes > 0 ? new int[batch] : null;
        this.divergence = new DivergenceWatch(DivergenceRule.DEFAULT, lossHistory());
    }

    /**
     * Judges this run's divergence by the given rule from now on (the default is {@link DivergenceRule#DEFAULT}); the
     * running minimum is rebuilt from the loss history.
     */
    public void useDivergenceRule(DivergenceRule rule) {
        divergence = new DivergenceWatch(rule, lossHistory());
        lastGood = null;
    }

    /** The rule this run's divergence is judged by. */
    public DivergenceRule divergenceRule() {
        return divergence.rule();
    }

    DivergenceWatch divergenceWatch() {
        return divergence;
    }

    /** A new run from step 0 with freshly initialised weights, on the toy dataset the setup names. */
    public static TrainingSession start(TrainingSetup setup) {
        return start(setup, toyData(setup));
    }

    /** A new run from step 0 on the given data (its name must match the setup's dataset). */
    public static TrainingSession start(TrainingSetup setup, TrainingData data) {
        TrainableModel model = Models.initialise(setup.model(), setup.seeds().init());
        return new TrainingSession(setup, data, model,
                new AdamW(setup.config().optimizer(), model.parameters().length),
                new ExponentialMovingAverage(setup.config().emaDecay(), model.parameters()), 0, new float[0]);
    }

    /**
     * A new run from step 0 whose weights and EMA weights start at the given ones (fine-tuning); the optimiser's
     * moments start at zero.
     */
    public static TrainingSession startFrom(TrainingSetup setup, TrainingData data, float[] parameters) {
        if (parameters.length != setup.model().parameterCount()) {
            throw new IllegalArgumentException(parameters.length + " starting parameters for a model of "
                    + setup.model().parameterCount());
        }
        TrainableModel model = Models.withParameters(setup.model(), parameters.clone());
        return new TrainingSession(setup, data, model,
                new AdamW(setup.config().optimizer(), model.parameters().length),
                new ExponentialMovingAverage(setup.config().emaDecay(), model.parameters()), 0, new float[0]);
    }

    /** A toy run resumed from saved state. */
    public static TrainingSession resume(TrainingSetup setup, TrainingState state) {
        return resume(setup, toyData(setup), state);
    }

    /** A run resumed from saved state, on the data it trained on. */
    public static TrainingSession resume(TrainingSetup setup, TrainingData data, TrainingState state) {
        TrainableModel model = Models.withParameters(setup.model(), state.parameters());
        AdamW opt = new AdamW(setup.config().optimizer(), state.firstMoment(), state.secondMoment(), state.step());
        ExponentialMovingAverage ema = new ExponentialMovingAverage(setup.config().emaDecay(), state.emaParameters(),
                state.step());
        return new TrainingSession(setup, data, model, opt, ema, state.step(), state.lossHistory());
    }

    private static TrainingData toyData(TrainingSetup setup) {
        return new ToyTrainingData(ToyDatasets.byName(setup.dataset()));
    }

    /**
     * One optimiser step.
     *
     * @throws TrainingDivergedException if the loss or gradient is not finite, or the loss trips the divergence rule;
     *         the update is then not applied, and when the loss was already above the rule's multiple the run goes back
     *         to its last good snapshot
     */
    public StepReport trainStep() {
        long start = System.nanoTime();
        int next = step + 1;
        int batch = setup.config().batchSize();
        data.draw(batch, RunSeeds.streamFor(setup.seeds().data(), next), batchX, batchLabels);
        if (batchLabels != null) {
            dropLabels(next);
        }
        SplittableRandom noise = RunSeeds.streamFor(setup.seeds().train(), next);
        double value = loss.lossAndGradient(model, new TrainingBatch(batchX, batchLabels, batch, data.dim()), noise);
        if (!Double.isFinite(value)) {
            throw diverged(next, "the loss", value);
        }
        keepIfGood(value);
        if (divergence.observe(value)) {
            DivergenceRule rule = divergence.rule();
            String why = String.format(java.util.Locale.ROOT,
                    "the loss stayed above %s x its running minimum %.4g for %d steps and", rule.factor(),
                    divergence.runningMinimum(), rule.steps());
            throw diverged(next, why, value);
        }
        double lr = setup.config().learningRate().rate(next, setup.config().steps());
        double norm = optimizer.step(model.parameters(), model.gradients(), lr);
        if (!Double.isFinite(norm)) {
            throw diverged(next, "the gradient norm", norm);
        }
        ema.update(model.parameters());
        step = next;
        appendLoss((float) value);
        return new StepReport(next, setup.config().steps(), value, lr, norm, System.nanoTime() - start);
    }

    /** Snapshots the state whose loss this is when the loss is within the rule, once every {@code rule.steps()} steps. */
    private void keepIfGood(double value) {
        DivergenceRule rule = divergence.rule();
        if (rule.active() && !divergence.above(value) && (lastGood == null || step - lastGood.step() >= rule.steps())) {
            lastGood = state();
        }
    }

    /**
     * The divergence at step {@code at}; when the losses before it were already above the rule's multiple, the run first
     * goes back to its last good snapshot.
     */
    private TrainingDivergedException diverged(int at, String what, double value) {
        if (lastGood != null && divergence.streak() > 0) {
            restore(lastGood);
        }
        return new TrainingDivergedException(at, what, value, step);
    }

    private void restore(TrainingState saved) {
        step = saved.step();
        System.arraycopy(saved.parameters(), 0, model.parameters(), 0, saved.parameters().length);
        optimizer = new AdamW(setup.config().optimizer(), saved.firstMoment(), saved.secondMoment(), saved.step());
        ema = new ExponentialMovingAverage(setup.config().emaDecay(), saved.emaParameters(), saved.step());
        lossHistory = saved.lossHistory().clone();
        divergence = new DivergenceWatch(divergence.rule(), lossHistory);
        lastGood = null;
    }

    /**
     * Classifier-free guidance training: each label becomes the null class with probability {@code p_uncond}, drawn
     * from its own stream so that the data and noise of a step do not depend on it.
     */
    private void dropLabels(int step) {
        double p = setup.config().labelDropout();
        if (p == 0) {
            return;
        }
        SplittableRandom rng = RunSeeds.streamFor(setup.seeds().train() ^ LABEL_STREAM, step);
        int nullClass = setup.model().classCount();
        for (int i = 0; i < batchLabels.length; i++) {
            if (rng.nextDouble() < p) {
                batchLabels[i] = nullClass;
            }
        }
    }

    private void appendLoss(float value) {
        if (step > lossHistory.length) {
            lossHistory = Arrays.copyOf(lossHistory, Math.max(1024, lossHistory.length * 2));
        }
        lossHistory[step - 1] = value;
    }

    public TrainingSetup setup() {
        return setup;
    }

    public NoiseSchedule schedule() {
        return schedule;
    }

    /** Steps completed. */
    public int step() {
        return step;
    }

    /** Whether the step budget is spent. */
    public boolean finished() {
        return step >= setup.config().steps();
    }

    /** The live model being trained (compute thread only). */
    public TrainableModel model() {
        return model;
    }

    /** A new denoiser holding the current EMA weights, the ones to sample with. */
    public Denoiser emaDenoiser() {
        return Models.denoiser(setup.model(), ema.average(), setup.schedule());
    }

    /** A copy of the current EMA weights. */
    public float[] emaParameters() {
        return ema.average();
    }

    /** A copy of the current raw weights. */
    public float[] parameters() {
        return model.parameters().clone();
    }

    /** The training data. */
    public TrainingData data() {
        return data;
    }

    /** The losses of steps {@code 1..step()}. */
    public float[] lossHistory() {
        return Arrays.copyOf(lossHistory, step);
    }

    /**
     * Level calibration of a CDM ({@link LevelCalibration}): the per-level offsets that minimise the cross-entropy of
     * the EMA network on {@code perLevel} fresh training draws per level, folded into the EMA weights (the ones that
     * sample and score); the raw weights stay as trained.
     *
     * @throws InvalidConfigException when the model is not a noise-level classifier
     */
    public LevelCalibration.Result calibrateLevels(int perLevel) {
        TrainableModel average = Models.withParameters(setup.model(), ema.average());
        if (!(average instanceof TrainableClassifier classifier)) {
            throw new InvalidConfigException("--calibrate-levels", perLevel, "calibrates noise-level classifiers"
                    + " (objective cdm), not a " + setup.model().kind());
        }
        LevelCalibration.Result result = LevelCalibration.solve(classifier, schedule, data, perLevel,
                RunSeeds.streamFor(setup.seeds().data() ^ CALIBRATION_STREAM, step));
        ema.replace(LevelCalibration.fold(classifier, classifier.parameters(), result.offsets()));
        return result;
    }

    /** A copy of everything needed to resume. */
    public TrainingState state() {
        return new TrainingState(step, model.parameters().clone(), ema.average(), optimizer.firstMoment(),
                optimizer.secondMoment(), lossHistory());
    }
}
