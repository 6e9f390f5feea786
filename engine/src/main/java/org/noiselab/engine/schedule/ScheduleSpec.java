package org.noiselab.engine.schedule;

import org.noiselab.engine.InvalidConfigException;

/**
 * The closed set of discrete noise schedules. Each spec is an immutable, validated description; {@link
 * NoiseSchedule#create(ScheduleSpec)} turns it into tables.
 */
public sealed interface ScheduleSpec permits ScheduleSpec.LinearBeta, ScheduleSpec.Cosine, ScheduleSpec.Uniform {

    /** Number of diffusion steps T. */
    int steps();

    /** Short identifier used in checkpoints and on the command line. */
    String kind();

    /** A fresh table of {@code abar_t} for {@code t = 0..T+1}, with {@code abar_0 = 1} and {@code abar_{T+1} = 0}. */
    double[] alphaBars();

    /** Parses {@code linear}, {@code cosine} or {@code uniform} with T steps (defaults for the other fields). */
    static ScheduleSpec parse(String kind, int steps) {
        return switch (kind) {
            case "linear" -> new LinearBeta(steps, LinearBeta.DEFAULT_BETA_START, LinearBeta.DEFAULT_BETA_END);
            case "cosine" -> new Cosine(steps, Cosine.DEFAULT_OFFSET);
            case "uniform" -> new Uniform(steps);
            default -> throw new InvalidConfigException("schedule", kind, "expected linear, cosine or uniform");
        };
    }

    /**
     * Linear betas from {@code betaStart} to {@code betaEnd} (Ho et al. 2020: 1e-4 to 0.02 over T = 1000).
     */
    record LinearBeta(int steps, double betaStart, double betaEnd) implements ScheduleSpec {
        public static final double DEFAULT_BETA_START = 1e-4;
        public static final double DEFAULT_BETA_END = 0.02;

        public LinearBeta {
            checkSteps(steps);
            if (!(betaStart > 0 && betaStart <= betaEnd && betaEnd < 1)) {
                throw new InvalidConfigException("betas", betaStart + ".." + betaEnd, "need 0 < start <= end < 1");
            }
        }

        @Override
        public String kind() {
            return "linear";
        }

        /** {@code abar_t = prod_{s<=t} (1 - beta_s)} with evenly spaced betas. */
        @Override
        public double[] alphaBars() {
            double[] a = table(steps);
            double prod = 1;
            for (int t = 1; t <= steps; t++) {
                double beta = steps == 1 ? betaStart : betaStart + (betaEnd - betaStart) * (t - 1) / (steps - 1);
                prod *= 1 - beta;
                a[t] = prod;
            }
            return a;
        }
    }

    /** The cosine schedule of Nichol and Dhariwal 2021, {@code abar(t) = f(t)/f(0)}, f = cos^2(((t/T + s)/(1 + s)) pi/2). */
    record Cosine(int steps, double offset) implements ScheduleSpec {
        public static final double DEFAULT_OFFSET = 0.008;
        private static final double MAX_BETA = 0.999;

        public Cosine {
            checkSteps(steps);
            if (!(offset >= 0 && offset < 1)) {
                throw new InvalidConfigException("offset", offset, "need 0 <= s < 1");
            }
        }

        @Override
        public String kind() {
            return "cosine";
        }

        /** {@code abar_t = f(t)/f(0)}, with each implied beta clipped at 0.999 as in the paper. */
        @Override
        public double[] alphaBars() {
            double[] a = table(steps);
            double f0 = f(0);
            double prev = 1;
            for (int t = 1; t <= steps; t++) {
                double beta = Math.min(1 - f((double) t / steps) / f0 / prev, MAX_BETA);
                prev *= 1 - beta;
                a[t] = prev;
            }
            return a;
        }

        private double f(double u) {
            double c = Math.cos((u + offset) / (1 + offset) * Math.PI / 2);
            return c * c;
        }
    }

    /**
     * The "uniform" (TRE) schedule {@code sqrt(1 - abar_t) = t / (T + 1)} (Rhodes et al. 2020; CDM, Yadin et al. 2024,
     * section 4.3), which makes noise-level classification equally hard at every t.
     */
    record Uniform(int steps) implements ScheduleSpec {
        public Uniform {
            checkSteps(steps);
        }

        @Override
        public String kind() {
            return "uniform";
        }

        /** {@code abar_t = 1 - (t / (T + 1))^2}. */
        @Override
        public double[] alphaBars() {
            double[] a = table(steps);
            for (int t = 1; t <= steps; t++) {
                double s = (double) t / (steps + 1);
                a[t] = 1 - s * s;
            }
            return a;
        }
    }

    private static double[] table(int steps) {
        double[] a = new double[steps + 2];
        a[0] = 1;
        a[steps + 1] = 0;
        return a;
    }

    private static void checkSteps(int steps) {
        if (steps < 1 || steps > 100_000) {
            throw new InvalidConfigException("timesteps", steps, "need 1 <= T <= 100000");
        }
    }
}
