package org.noiselab.engine.schedule;

/** Table-backed {@link NoiseSchedule}: {@code abar_t} for {@code t = 0..T+1} is computed once from the spec. */
final class DiscreteNoiseSchedule implements NoiseSchedule {

    private final ScheduleSpec spec;
    private final int steps;
    private final double[] alphaBar;

    DiscreteNoiseSchedule(ScheduleSpec spec) {
        this.spec = spec;
        this.steps = spec.steps();
        this.alphaBar = spec.alphaBars();
    }

    @Override
    public int steps() {
        return steps;
    }

    @Override
    public ScheduleSpec spec() {
        return spec;
    }

    @Override
    public double alphaBar(int t) {
        checkIndex(t, 0, steps + 1);
        return alphaBar[t];
    }

    @Override
    public double beta(int t) {
        checkIndex(t, 1, steps);
        return 1 - alphaBar[t] / alphaBar[t - 1];
    }

    @Override
    public double logSnr(int t) {
        checkIndex(t, 0, steps + 1);
        return NoiseSchedule.logSnrOfAlphaBar(alphaBar[t]);
    }

    @Override
    public double posteriorVariance(int t) {
        checkIndex(t, 1, steps);
        return (1 - alphaBar[t - 1]) / (1 - alphaBar[t]) * beta(t);
    }

    private void checkIndex(int t, int lo, int hi) {
        if (t < lo || t > hi) {
            throw new IndexOutOfBoundsException("step " + t + " outside " + lo + ".." + hi);
        }
    }

    @Override
    public String toString() {
        return spec.kind() + "(T=" + steps + ")";
    }
}
