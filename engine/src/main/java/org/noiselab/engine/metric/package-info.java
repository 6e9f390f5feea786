/**
 * Measures of a model against the truth: MMD between point sets, the score-error grid against the oracle and its
 * regions, logit curves and confusion of noise-level classifiers, per-class statistics of guided samples, and the
 * image judge (a small classifier) with the Frechet distance of its features.
 */
package org.noiselab.engine.metric;
