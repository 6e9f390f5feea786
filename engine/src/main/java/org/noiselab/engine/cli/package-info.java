/**
 * The headless command line ({@code bin/noiselab <command>}), built on picocli: train, sample, score-grid, mmd,
 * datasets, info. Bad input gives one line on stderr and exit code 2.
 */
package org.noiselab.engine.cli;
