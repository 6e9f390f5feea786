/** Measures of a model against the truth: MMD between point sets and the score-error grid against the oracle. */
package org.noiselab.engine.metric;
