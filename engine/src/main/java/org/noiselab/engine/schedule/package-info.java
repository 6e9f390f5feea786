/**
 * Noise schedules: pure, immutable tables of {@code abar_t}, {@code beta_t}, the log-SNR and posterior variances for
 * the variance-preserving forward process. Specs are sealed records; {@code NoiseSchedule.create} builds the tables.
 */
package org.noiselab.engine.schedule;
