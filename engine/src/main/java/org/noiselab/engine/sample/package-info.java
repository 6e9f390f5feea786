/**
 * Reverse-process samplers (DDPM, DDIM, DPM-Solver-2, Heun on the probability-flow ODE, annealed Langevin). Each
 * works with any denoiser, is deterministic for a seed, and reports every step to a {@code SamplingListener}.
 */
@NullMarked
package org.noiselab.engine.sample;

import org.jspecify.annotations.NullMarked;
