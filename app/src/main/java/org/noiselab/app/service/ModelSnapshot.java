package org.noiselab.app.service;

import org.noiselab.engine.model.ModelSpec;
import org.noiselab.engine.schedule.ScheduleSpec;

/**
 * An immutable copy of a model's weights at one step, safe to hand to the analysis thread.
 *
 * @param spec      architecture
 * @param schedule  the noise schedule it was trained with
 * @param dataset   training dataset name
 * @param step      training step of the weights
 * @param ema       averaged weights
 * @param raw       last-step weights
 */
public record ModelSnapshot(ModelSpec spec, ScheduleSpec schedule, String dataset, int step, float[] ema, float[] raw) {
}
