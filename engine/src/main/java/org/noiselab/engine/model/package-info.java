/**
 * Denoisers: the {@code Denoiser} contract (epsilon prediction at a log-SNR), the trainable MLP with its hand-written
 * backward pass over a flat parameter vector, and the exact oracle of a toy mixture.
 */
@NullMarked
package org.noiselab.engine.model;

import org.jspecify.annotations.NullMarked;
