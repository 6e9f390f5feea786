/**
 * Likelihoods from denoisers: the information-theoretic diffusion (ITD) estimator with importance-sampled log-SNR and
 * a Gaussian control variate, its floor (the same estimator with the exact denoiser), the CDM's single-pass
 * likelihood, and the Gaussian reference terms the contrastive diffusion loss shares.
 */
package org.noiselab.engine.likelihood;
