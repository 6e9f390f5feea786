package org.noiselab.app.service;

import org.jspecify.annotations.Nullable;

/**
 * Logit curves at one probe: the clean point {@code x0} noised to {@code level} ({@code xt}), and
 * {@code log p(t' | x_t)} for every level t' from the model's classifier and from the exact one.
 *
 * @param x0    the clean probe point
 * @param xt    the noised point both classifiers see
 * @param level the level it was noised to
 * @param model the model's curve, or {@code null} when the model is not a noise-level classifier
 * @param exact the exact classifier's curve
 * @param step  training step of the model
 */
public record LogitPicture(float[] x0, float[] xt, int level, double @Nullable [] model, double[] exact, int step) {
}
