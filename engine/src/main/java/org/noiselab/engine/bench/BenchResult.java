package org.noiselab.engine.bench;

import java.util.Arrays;

/**
 * One benchmark figure: the median of several timed runs after a warm-up.
 *
 * @param name    identifier, e.g. {@code train.batch256}
 * @param label   a line for people
 * @param threads kernel threads used
 * @param unit    {@code steps/s}, {@code s}, {@code iterations}
 * @param runs    every timed run's value
 */
public record BenchResult(String name, String label, int threads, String unit, double[] runs) {

    /** The median of the runs. */
    public double median() {
        double[] sorted = runs.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
