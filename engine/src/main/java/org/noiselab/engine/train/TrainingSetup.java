package org.noiselab.engine.train;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.model.ClassifierSpec;
import org.noiselab.engine.model.ConvClassifierSpec;
import org.noiselab.engine.model.MlpSpec;
import org.noiselab.engine.model.ModelSpec;
import org.noiselab.engine.model.Models;
import org.noiselab.engine.model.layer.Activation;
import org.noiselab.engine.objective.ObjectiveSpec;
import org.noiselab.engine.schedule.ScheduleSpec;

/**
 * Everything that defines a training run, enough to replay it: the data, the architecture, the noise schedule, the
 * objective, the training configuration and the seeds.
 *
 * @param dataset   name of the training data (a toy dataset)
 * @param model     architecture
 * @param schedule  noise schedule
 * @param objective training objective
 * @param config    optimisation settings
 * @param seeds     all randomness
 * @param init      where the weights started when the run fine-tunes another's, or {@code null} for a fresh start
 */
public record TrainingSetup(String dataset, ModelSpec model, ScheduleSpec schedule, ObjectiveSpec objective,
                            TrainingConfig config, RunSeeds seeds, @Nullable InitialWeights init) {

    /**
     * The starting weights of a fine-tuning run: the EMA weights of another run's checkpoint.
     *
     * @param source           file name of that checkpoint, for people
     * @param step             its step
     * @param parametersSha256 SHA-256 of the starting weights (little-endian float32), for {@code replay} to check
     */
    public record InitialWeights(String source, int step, String parametersSha256) {
        public InitialWeights {
            Objects.requireNonNull(source, "source");
            if (step < 0) {
                throw new IllegalArgumentException("step must be >= 0");
            }
            if (!parametersSha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("not a SHA-256 digest: " + parametersSha256);
            }
        }
    }

    /** A run from freshly initialised weights. */
    public TrainingSetup(String dataset, ModelSpec model, ScheduleSpec schedule, ObjectiveSpec objective,
                         TrainingConfig config, RunSeeds seeds) {
        this(dataset, model, schedule, objective, config, seeds, null);
    }

    public TrainingSetup {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(objective, "objective");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(seeds, "seeds");
        boolean cdm = objective instanceof ObjectiveSpec.Cdm;
        if (cdm != Models.isClassifier(model)) {
            throw new InvalidConfigException("objective", objective.kind(), cdm
                    ? "trains a noise-level classifier, not a " + model.kind()
                    : "trains a denoising network; a noise-level classifier trains only with cdm");
        }
        int levels = model instanceof ClassifierSpec c ? c.levels()
                : model instanceof ConvClassifierSpec k ? k.levels() : schedule.steps() + 2;
        if (levels != schedule.steps() + 2) {
            throw new InvalidConfigException("model.levels", levels, "the schedule has T = " + schedule.steps()
                    + ", so the classifier needs T + 2 = " + (schedule.steps() + 2) + " levels");
        }
    }

    /**
     * Fine-tuning: this run's data, objective, configuration and seeds on the architecture and noise schedule of the
     * run that trained the starting weights, {@code start}.
     *
     * @throws InvalidConfigException when the source network does not take this data, is unconditional where this run
     *                                asked for classes, or is of the wrong kind for the objective
     */
    public TrainingSetup fineTuning(TrainingSetup source, InitialWeights start) {
        ModelSpec from = source.model();
        if (from.dim() != model.dim()) {
            throw new InvalidConfigException("--init", from.kind() + " of dimension " + from.dim(), "the data '"
                    + dataset + "' has dimension " + model.dim());
        }
        if (model.classCount() > 0 && from.classCount() == 0) {
            throw new InvalidConfigException("--conditional", true, "the starting network is unconditional");
        }
        if (objective instanceof ObjectiveSpec.Cdm != Models.isClassifier(from)) {
            throw new InvalidConfigException("--init", from.kind(), "objective " + objective.kind() + " trains "
                    + (Models.isClassifier(model) ? "a noise-level classifier" : "a denoising network"));
        }
        return new TrainingSetup(dataset, from, source.schedule(), objective, config, seeds,
                Objects.requireNonNull(start, "start"));
    }

    /**
     * The default architecture an objective trains, with the given size: a noise-level classifier over the schedule's
     * {@code T + 2} levels for cdm, a denoising MLP otherwise.
     */
    public static ModelSpec defaultModel(ObjectiveSpec objective, int dim, int steps, int width, int depth,
                                         Activation activation) {
        return defaultModel(objective, dim, steps, width, depth, activation, 0);
    }

    /** {@link #defaultModel(ObjectiveSpec, int, int, int, int, Activation)} conditioned on {@code classes} classes. */
    public static ModelSpec defaultModel(ObjectiveSpec objective, int dim, int steps, int width, int depth,
                                         Activation activation, int classes) {
        if (objective instanceof ObjectiveSpec.Cdm) {
            return ClassifierSpec.defaults(dim, steps).withWidth(width).withDepth(depth).withActivation(activation)
                    .withClassCount(classes);
        }
        return MlpSpec.defaults(dim).withWidth(width).withDepth(depth).withActivation(activation)
                .withClassCount(classes);
    }

    public TrainingSetup withConfig(TrainingConfig c) {
        return new TrainingSetup(dataset, model, schedule, objective, c, seeds);
    }

    public TrainingSetup withSeeds(RunSeeds s) {
        return new TrainingSetup(dataset, model, schedule, objective, config, s);
    }
}
