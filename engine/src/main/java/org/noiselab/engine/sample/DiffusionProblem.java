package org.noiselab.engine.sample;

import java.util.Objects;
import org.noiselab.engine.model.Denoiser;
import org.noiselab.engine.schedule.NoiseSchedule;

/**
 * What a sampler solves: reverse the forward process of {@code schedule} with the denoiser's noise estimate.
 *
 * @param denoiser the model (or the oracle)
 * @param schedule the training schedule whose steps the sampler respaces
 */
public record DiffusionProblem(Denoiser denoiser, NoiseSchedule schedule) {
    public DiffusionProblem {
        Objects.requireNonNull(denoiser, "denoiser");
        Objects.requireNonNull(schedule, "schedule");
    }
}
