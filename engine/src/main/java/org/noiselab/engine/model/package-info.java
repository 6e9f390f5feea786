/**
 * Denoisers and noise-level classifiers: the {@code Denoiser} contract (epsilon prediction at a log-SNR), the trainable
 * MLP and U-Net with hand-written backward passes over a flat parameter vector, the CDM's classifiers (MLP and
 * convolutional) with the denoiser their input gradient defines, classifier-free guidance, and the exact oracle of a
 * toy mixture. Specs are validating records; {@link org.noiselab.engine.model.Models} builds networks from them.
 */
@NullMarked
package org.noiselab.engine.model;

import org.jspecify.annotations.NullMarked;
