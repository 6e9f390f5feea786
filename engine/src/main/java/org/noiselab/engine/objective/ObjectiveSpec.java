package org.noiselab.engine.objective;

import org.noiselab.engine.InvalidConfigException;

/** The closed set of training objectives. */
public sealed interface ObjectiveSpec permits ObjectiveSpec.Ddpm {

    /** Objective names accepted by {@link #parse}. */
    String NAMES = "ddpm";

    /** Short identifier used on the command line and in checkpoints. */
    String kind();

    /** The objective of a name. */
    static ObjectiveSpec parse(String kind) {
        if ("ddpm".equals(kind)) {
            return new Ddpm();
        }
        throw new InvalidConfigException("objective", kind, "available objectives: " + NAMES);
    }

    /** The simple DDPM loss of Ho et al. 2020. */
    record Ddpm() implements ObjectiveSpec {
        @Override
        public String kind() {
            return "ddpm";
        }
    }
}
