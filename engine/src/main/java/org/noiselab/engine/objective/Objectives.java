package org.noiselab.engine.objective;

import org.noiselab.engine.schedule.NoiseSchedule;

/** Maps an {@link ObjectiveSpec} to a fresh loss for one training run. */
public final class Objectives {

    private Objectives() {
    }

    /** A new loss instance (losses hold scratch buffers, so each run gets its own). */
    public static DiffusionLoss create(ObjectiveSpec spec, NoiseSchedule schedule) {
        if (spec instanceof ObjectiveSpec.Ddpm) {
            return new DdpmLoss(schedule);
        }
        throw new IllegalArgumentException("unknown objective " + spec);
    }
}
