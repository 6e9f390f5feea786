package org.noiselab.engine.train;

import java.util.Objects;
import org.noiselab.engine.model.ModelSpec;
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
 */
public record TrainingSetup(String dataset, ModelSpec model, ScheduleSpec schedule, ObjectiveSpec objective,
                            TrainingConfig config, RunSeeds seeds) {

    public TrainingSetup {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(objective, "objective");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(seeds, "seeds");
    }

    public TrainingSetup withConfig(TrainingConfig c) {
        return new TrainingSetup(dataset, model, schedule, objective, c, seeds);
    }

    public TrainingSetup withSeeds(RunSeeds s) {
        return new TrainingSetup(dataset, model, schedule, objective, config, s);
    }
}
