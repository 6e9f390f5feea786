/**
 * The headless command line ({@code bin/noiselab <command>}), built on picocli: training, sampling, Picard, score
 * grids, likelihoods, classifier diagnostics, guidance sweeps, replay, import and export, image quality, benchmarks.
 * Bad input gives one line on stderr and exit code 2; a diverged run exits with 3.
 */
package org.noiselab.engine.cli;
