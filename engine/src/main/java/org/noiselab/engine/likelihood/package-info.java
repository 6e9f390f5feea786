/**
 * Likelihoods from denoisers: the information-theoretic diffusion (ITD) estimator with importance-sampled log-SNR,
 * its Gaussian reference terms, and the noised-density trick the contrastive diffusion loss needs.
 */
package org.noiselab.engine.likelihood;
