package org.noiselab.engine.io;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.noiselab.engine.model.Denoiser;
import org.noiselab.engine.model.Models;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.engine.train.TrainingSetup;
import org.noiselab.engine.train.TrainingState;

/**
 * A saved run: its setup (how to rebuild and replay it), its resumable state, and provenance.
 *
 * @param setup         data, architecture, schedule, objective, configuration and seeds
 * @param state         weights, EMA weights, optimiser moments and loss history
 * @param engineVersion version of the engine that wrote it
 * @param createdAt     when it was written
 * @param metrics       named figures measured at save time (final loss, MMD, ...)
 */
public record Checkpoint(TrainingSetup setup, TrainingState state, String engineVersion, Instant createdAt,
                         Map<String, Double> metrics) {

    public Checkpoint {
        Objects.requireNonNull(setup, "setup");
        Objects.requireNonNull(state, "state");
        metrics = Map.copyOf(metrics);
        if (state.parameters().length != setup.model().parameterCount()) {
            throw new IllegalArgumentException("state has " + state.parameters().length + " parameters, the model "
                    + setup.model().parameterCount());
        }
    }

    /** The model with its EMA weights, the ones to sample with. */
    public Denoiser emaDenoiser() {
        return Models.denoiser(setup.model(), state.emaParameters(), setup.schedule());
    }

    /** The model with its raw (last optimiser step) weights. */
    public Denoiser rawDenoiser() {
        return Models.denoiser(setup.model(), state.parameters(), setup.schedule());
    }

    /** The training noise schedule. */
    public NoiseSchedule schedule() {
        return NoiseSchedule.create(setup.schedule());
    }
}
