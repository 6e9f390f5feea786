package org.noiselab.app.viewmodel;

/**
 * Reduces a loss history to at most {@code maxPoints} (step, loss) points for the chart: consecutive steps are
 * averaged in equal buckets, which also smooths the per-batch noise.
 */
public final class LossSeries {

    private LossSeries() {
    }

    /** {@code {steps, means}}: bucket centres (1-based steps) and the mean loss of each bucket. */
    public static double[][] downsample(float[] losses, int maxPoints) {
        int n = losses.length;
        if (n == 0 || maxPoints < 1) {
            return new double[][] {new double[0], new double[0]};
        }
        int buckets = Math.min(n, maxPoints);
        double[] steps = new double[buckets];
        double[] means = new double[buckets];
        for (int b = 0; b < buckets; b++) {
            int from = (int) ((long) b * n / buckets);
            int to = (int) ((long) (b + 1) * n / buckets);
            double sum = 0;
            for (int i = from; i < to; i++) {
                sum += losses[i];
            }
            means[b] = sum / (to - from);
            steps[b] = (from + to + 1) / 2.0;
        }
        return new double[][] {steps, means};
    }
}
