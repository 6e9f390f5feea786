/**
 * Toy distributions with exact densities: every dataset is a Gaussian mixture, so its noised marginals, scores and the
 * optimal denoiser {@code E[eps | x_t]} are closed-form. This module depends on the JDK only.
 */
package org.noiselab.toys;
