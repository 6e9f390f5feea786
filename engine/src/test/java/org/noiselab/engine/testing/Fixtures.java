package org.noiselab.engine.testing;

import org.noiselab.engine.model.MlpSpec;
import org.noiselab.engine.objective.ObjectiveSpec;
import org.noiselab.engine.optim.AdamWSpec;
import org.noiselab.engine.optim.LearningRateSchedule;
import org.noiselab.engine.schedule.ScheduleSpec;
import org.noiselab.engine.train.RunSeeds;
import org.noiselab.engine.train.TrainingConfig;
import org.noiselab.engine.train.TrainingSetup;
import org.noiselab.toys.ToyDatasets;

/** Small, fast training setups shared by tests. */
public final class Fixtures {

    private Fixtures() {
    }

    /** A small DDPM run on a dataset: width 32, batch 128, constant lr 2e-3. */
    public static TrainingSetup smallSetup(String dataset, int steps, long seed) {
        int dim = ToyDatasets.byName(dataset).dim();
        TrainingConfig config = new TrainingConfig(steps, 128, LearningRateSchedule.constant(2e-3), AdamWSpec.DEFAULT,
                0.99);
        return new TrainingSetup(dataset, MlpSpec.defaults(dim).withWidth(32), ScheduleSpec.parse("linear", 1000),
                new ObjectiveSpec.Ddpm(), config, RunSeeds.from(seed));
    }
}
