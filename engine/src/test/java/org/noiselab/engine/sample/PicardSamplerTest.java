package org.noiselab.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.noiselab.engine.model.MlpDenoiser;
import org.noiselab.engine.model.MlpSpec;
import org.noiselab.engine.model.OracleDenoiser;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.toys.ToyDataset;
import org.noiselab.toys.ToyDatasets;

/**
 * Picard iteration: its path, iteration by iteration, against a plain re-implementation written here
 * ({@link PlainPicard}) and the closed form of the first sweep; the window and tolerance rule its Javadoc states,
 * checked on the engine's own published trajectories; and its end against the sequential samplers it parallelises.
 */
class PicardSamplerTest {

    private static final int T = 1000;
    private static final NoiseSchedule SCHEDULE = NoiseSchedule.linear(T);
    private static final double[] ABAR = PlainDiffusion.linearAlphaBar(T);
    /** Float states against double ones, relative to max(1, |x|); the measured differences are far below. */
    private static final double BOUND = 1e-4;

    /**
     * From the all-{@code x_T} start, the first sweep gives slot {@code j + 1} = {@code x_T + sum_{i <= j}
     * (mu_i(x_T) - x_T + xi_i)}: every drift at {@code x_T}, where the model was evaluated. A sweep that reads states
     * it has already replaced fails this at the second slot.
     */
    @ParameterizedTest
    @EnumSource(PicardSpec.Drift.class)
    void theFirstSweepIsTheClosedFormFromTheAllNoiseStart(PicardSpec.Drift drift) {
        ToyDataset dino = ToyDatasets.byName(ToyDatasets.DINO);
        int k = 50;
        int n = 8;
        long seed = 4;
        List<PicardIteration> its = new ArrayList<>();
        new PicardSampler(new PicardSpec(k, 0, 0.1, drift)).sample(oracle(ToyDatasets.DINO),
                SamplingRequest.of(n, seed), all(n), its::add);

        boolean ddpm = drift == PicardSpec.Drift.DDPM;
        int[] tau = PlainDiffusion.respaced(T, k);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] xT = PlainDiffusion.gaussians(rng, n * 2);
        double[] expected = xT.clone();
        List<double[]> slots = new ArrayList<>();
        slots.add(xT.clone());
        PlainDiffusion.Eps exact = PlainDiffusion.exact(dino.mixture());
        for (int j = 0; j < k; j++) {
            int i = k - j;
            double a = ABAR[tau[i]];
            double ap = ABAR[tau[i - 1]];
            double var = (1 - ap) / (1 - a) * (1 - a / ap);
            double[] xi = ddpm && var > 0 ? PlainDiffusion.gaussians(rng, n * 2) : new double[n * 2];
            double[] eps = exact.at(xT, n, PlainDiffusion.logit(a));
            for (int c = 0; c < expected.length; c++) {
                expected[c] += PlainPicard.mean(ddpm, a, ap, xT[c], eps[c]) - xT[c] + Math.sqrt(var) * xi[c];
            }
            slots.add(expected.clone());
        }
        double worst = PlainDiffusion.maxRelativeDifference(slotsOf(its.get(0), k, 2), slots);
        System.out.printf("Picard %s first sweep against its closed form: largest relative difference %.2e%n",
                drift, worst);
        assertThat(worst).isLessThan(BOUND);
    }

    /** Three sweeps on a random network, with the window covering every step: every slot of every iterate. */
    @ParameterizedTest
    @EnumSource(PicardSpec.Drift.class)
    void threeSweepsOnARandomNetworkEqualThePlainIteration(PicardSpec.Drift drift) {
        MlpDenoiser net = MlpDenoiser.initialise(MlpSpec.defaults(2).withWidth(24).withDepth(2), 9);
        int k = 30;
        int n = 6;
        long seed = 2;
        List<PicardIteration> its = new ArrayList<>();
        PicardSpec spec = new PicardSpec(k, 0, 1e-3, drift);
        new PicardSampler(spec).sample(new DiffusionProblem(net, SCHEDULE), SamplingRequest.of(n, seed), all(n),
                its::add);
        PlainPicard plain = new PlainPicard(PlainDiffusion.model(net, null), spec, n, 2, seed);
        for (int it = 0; it < 3; it++) {
            PlainPicard.Iterate expected = plain.sweep();
            PicardIteration actual = its.get(it);
            assertThat(actual.windowStart()).isEqualTo(expected.windowStart());
            assertThat(actual.converged()).isEqualTo(expected.converged());
            double worst = PlainDiffusion.maxRelativeDifference(slotsOf(actual, k, 2), expected.slots());
            System.out.printf("Picard %s sweep %d on a random network: largest relative difference %.2e%n",
                    drift, it + 1, worst);
            assertThat(worst).as("sweep %d", it + 1).isLessThan(BOUND);
        }
    }

    /**
     * A sliding window shorter than the run at the usual tolerance: every iteration's window, count and trajectory
     * equal the plain iteration's, and each advance is the one the documented rule gives on the engine's own
     * published states (squared tolerance, mean over dimensions, the posterior variance of the step leaving the slot,
     * the batch judged jointly; the last slot never converges by itself; at least one slot per iteration).
     */
    @Test
    void theSlidingWindowAndTheToleranceFollowTheDocumentedRule() {
        int k = 100;
        int window = 16;
        int n = 10;
        long seed = 6;
        double tol = 0.1;
        PicardSpec spec = new PicardSpec(k, window, tol, PicardSpec.Drift.DDPM);
        List<PicardIteration> its = new ArrayList<>();
        new PicardSampler(spec).sample(oracle(ToyDatasets.DINO), SamplingRequest.of(n, seed), all(n), its::add);
        PlainPicard plain = new PlainPicard(PlainDiffusion.exact(ToyDatasets.byName(ToyDatasets.DINO).mixture()),
                spec, n, 2, seed);

        int[] tau = PlainDiffusion.respaced(T, k);
        double[] var = new double[k];
        for (int j = 0; j < k; j++) {
            double a = ABAR[tau[k - j]];
            double ap = ABAR[tau[k - j - 1]];
            var[j] = (1 - ap) / (1 - a) * (1 - a / ap);
        }
        List<double[]> before = new ArrayList<>();
        double[] xT = PlainDiffusion.gaussians(new SplittableRandom(seed), n * 2);
        for (int i = 0; i < xT.length; i++) {
            xT[i] = (float) xT[i]; // the engine's start, as it stores it
        }
        for (int j = 0; j <= k; j++) {
            before.add(xT);
        }
        int jointlyDecided = 0;
        long evaluations = 0;
        int begin = 0;
        for (PicardIteration it : its) {
            PlainPicard.Iterate expected = plain.sweep();
            assertThat(it.windowStart()).isEqualTo(begin).isEqualTo(expected.windowStart());
            assertThat(it.converged()).isEqualTo(expected.converged());
            int slots = Math.min(window, k - begin);
            evaluations += slots;
            assertThat(it.evaluations()).isEqualTo(evaluations).isEqualTo(expected.evaluations());
            assertThat(PlainDiffusion.maxRelativeDifference(slotsOf(it, k, 2), expected.slots())).isLessThan(BOUND);

            List<float[]> after = slotsOf(it, k, 2);
            int advance = slots;
            for (int s = 0; s < slots; s++) {
                int slot = begin + s + 1;
                int within = 0;
                for (int sample = 0; sample < n; sample++) {
                    double sq = 0;
                    for (int c = 0; c < 2; c++) {
                        double d = after.get(slot)[sample * 2 + c] - before.get(slot)[sample * 2 + c];
                        sq += d * d;
                    }
                    if (slot < k && sq / 2 <= tol * tol * var[slot]) {
                        within++;
                    }
                }
                if (within < n) {
                    advance = s + 1;
                    jointlyDecided += within > 0 ? 1 : 0;
                    break;
                }
            }
            assertThat(it.converged()).as("iteration %d", it.iteration()).isEqualTo(begin + advance);
            begin += advance;
            before = new ArrayList<>();
            for (float[] f : after) {
                double[] d = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    d[i] = f[i];
                }
                before.add(d);
            }
        }
        assertThat(begin).isEqualTo(k);
        assertThat(its.size()).isLessThan(k).isEqualTo(plain.iterations());
        assertThat(jointlyDecided).as("iterations where some samples were within tolerance and others not")
                .isGreaterThan(0);
    }

    private static DiffusionProblem oracle(String dataset) {
        return new DiffusionProblem(new OracleDenoiser(ToyDatasets.byName(dataset)), SCHEDULE);
    }

    /**
     * With a tight tolerance every accepted slot is the sequential one to round-off, so the result is too; the
     * iteration count stays far below the step count.
     */
    @Test
    void endsAtTheSequentialDdpmResultInFewerIterationsThanSteps() {
        DiffusionProblem p = oracle("dino");
        SamplingRequest req = SamplingRequest.of(60, 7);
        float[] sequential = Samplers.create(new SamplerSpec.Ddpm(200)).sample(p, req).points();
        List<PicardIteration> iterations = new ArrayList<>();
        SampleResult picard = new PicardSampler(new PicardSpec(200, 0, 1e-5, PicardSpec.Drift.DDPM))
                .sample(p, req, new int[] {0, 5}, iterations::add);
        for (int i = 0; i < sequential.length; i++) {
            assertThat(picard.points()[i]).isCloseTo(sequential[i], within(2e-5f));
        }
        assertThat(iterations.size()).isLessThan(200).isGreaterThan(1);
        PicardIteration last = iterations.get(iterations.size() - 1);
        assertThat(last.converged()).isEqualTo(200);
        assertThat(last.finalState()).containsExactly(picard.points());
        assertThat(last.trajectories()).hasDimensions(2, 201 * 2);
        for (int i = 1; i < iterations.size(); i++) {
            assertThat(iterations.get(i).converged()).isGreaterThan(iterations.get(i - 1).converged());
            assertThat(iterations.get(i).evaluations()).isGreaterThan(iterations.get(i - 1).evaluations());
        }
    }

    @Test
    void ddimDriftEndsAtTheSequentialDdimResult() {
        DiffusionProblem p = oracle(ToyDatasets.GAUSS_1D);
        SamplingRequest req = SamplingRequest.of(100, 3);
        float[] sequential = Samplers.create(new SamplerSpec.Ddim(100, 0)).sample(p, req).points();
        List<PicardIteration> iterations = new ArrayList<>();
        float[] picard = new PicardSampler(new PicardSpec(100, 0, 1e-5, PicardSpec.Drift.DDIM))
                .sample(p, req, new int[0], iterations::add).points();
        for (int i = 0; i < sequential.length; i++) {
            assertThat(picard[i]).isCloseTo(sequential[i], within(2e-5f));
        }
        assertThat(iterations.size()).isLessThan(100);
    }

    @Test
    void withWindowOneItIsTheSequentialSamplerStepByStep() {
        DiffusionProblem p = oracle(ToyDatasets.GAUSS_1D);
        SamplingRequest req = SamplingRequest.of(20, 11);
        List<SamplingStep> sequential = new ArrayList<>();
        Samplers.create(new SamplerSpec.Ddpm(50)).sample(p, req, sequential::add);
        List<PicardIteration> iterations = new ArrayList<>();
        new PicardSampler(new PicardSpec(50, 1, 0.1, PicardSpec.Drift.DDPM)).sample(p, req, new int[] {3},
                iterations::add);
        assertThat(iterations).hasSize(50);
        for (int it = 0; it < 50; it++) {
            PicardIteration picard = iterations.get(it);
            assertThat(picard.converged()).isEqualTo(it + 1);
            assertThat(picard.evaluations()).isEqualTo(it + 1);
            // the slot just computed equals the sequential state after the same number of steps
            float slot = picard.trajectories()[0][it + 1];
            assertThat(slot).isCloseTo(sequential.get(it).points()[3], within(1e-5f));
        }
    }

    @Test
    void atTheUsualToleranceTheResultAgreesToThatToleranceInFarFewerIterations() {
        DiffusionProblem p = oracle("dino");
        SamplingRequest req = SamplingRequest.of(60, 7);
        float[] sequential = Samplers.create(new SamplerSpec.Ddpm(200)).sample(p, req).points();
        List<PicardIteration> iterations = new ArrayList<>();
        float[] picard = new PicardSampler(new PicardSpec(200, 0, 0.1, PicardSpec.Drift.DDPM)).sample(p, req,
                new int[0], iterations::add).points();
        double maxDiff = 0;
        for (int i = 0; i < sequential.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(picard[i] - sequential[i]));
        }
        assertThat(maxDiff).isLessThan(0.01);
        assertThat(iterations.size()).isLessThan(60);
    }

    @Test
    void aLooserToleranceNeedsFewerIterations() {
        DiffusionProblem p = oracle("eight-gaussians");
        SamplingRequest req = SamplingRequest.of(40, 5);
        int[] counts = new int[2];
        double[] tolerances = {0.01, 0.5};
        for (int i = 0; i < 2; i++) {
            List<PicardIteration> its = new ArrayList<>();
            new PicardSampler(new PicardSpec(100, 0, tolerances[i], PicardSpec.Drift.DDPM)).sample(p, req, new int[0],
                    its::add);
            counts[i] = its.size();
        }
        assertThat(counts[1]).isLessThan(counts[0]);
    }

    private static int[] all(int n) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = i;
        }
        return t;
    }

    /** The K + 1 slots of an iteration, each as {@code n * dim} values, from the trajectories of all n samples. */
    private static List<float[]> slotsOf(PicardIteration it, int k, int dim) {
        float[][] tr = it.trajectories();
        List<float[]> slots = new ArrayList<>();
        for (int j = 0; j <= k; j++) {
            float[] slot = new float[tr.length * dim];
            for (int s = 0; s < tr.length; s++) {
                System.arraycopy(tr[s], j * dim, slot, s * dim, dim);
            }
            slots.add(slot);
        }
        return slots;
    }

    /**
     * Picard iteration written plainly from ParaDiGMS (Shih et al. 2023, Algorithm 1): double precision, scalar loops,
     * the schedule, noise and drifts recomputed here.
     */
    static final class PlainPicard {
        record Iterate(int windowStart, int converged, long evaluations, List<double[]> slots) {
        }

        private final PlainDiffusion.Eps f;
        private final boolean ddpm;
        private final int k;
        private final int n;
        private final int dim;
        private final int window;
        private final double tol;
        private final double[] abar;
        private final double[] abarPrev;
        private final double[] var;
        private final double[][] xi;
        private final double[][] x;
        private int begin;
        private long evaluations;
        private int iterations;

        PlainPicard(PlainDiffusion.Eps f, PicardSpec spec, int n, int dim, long seed) {
            this.f = f;
            this.ddpm = spec.drift() == PicardSpec.Drift.DDPM;
            this.k = spec.steps();
            this.n = n;
            this.dim = dim;
            this.window = spec.window() == 0 ? k : Math.min(spec.window(), k);
            this.tol = spec.tolerance();
            int[] tau = PlainDiffusion.respaced(T, k);
            SplittableRandom rng = new SplittableRandom(seed);
            double[] xT = PlainDiffusion.gaussians(rng, n * dim);
            abar = new double[k];
            abarPrev = new double[k];
            var = new double[k];
            xi = new double[k][];
            for (int j = 0; j < k; j++) {
                abar[j] = ABAR[tau[k - j]];
                abarPrev[j] = ABAR[tau[k - j - 1]];
                var[j] = (1 - abarPrev[j]) / (1 - abar[j]) * (1 - abar[j] / abarPrev[j]);
                xi[j] = new double[n * dim];
                if (ddpm && var[j] > 0) {
                    double[] g = PlainDiffusion.gaussians(rng, n * dim);
                    for (int i = 0; i < g.length; i++) {
                        xi[j][i] = Math.sqrt(var[j]) * g[i];
                    }
                }
            }
            x = new double[k + 1][];
            for (int j = 0; j <= k; j++) {
                x[j] = xT.clone();
            }
        }

        /** The DDPM posterior mean (Ho et al. eq. 11) or the deterministic DDIM step, from level a to level ap. */
        static double mean(boolean ddpm, double a, double ap, double x, double eps) {
            if (ddpm) {
                double alpha = a / ap;
                return (x - (1 - alpha) / Math.sqrt(1 - a) * eps) / Math.sqrt(alpha);
            }
            return Math.sqrt(ap) * (x - Math.sqrt(1 - a) * eps) / Math.sqrt(a) + Math.sqrt(1 - ap) * eps;
        }

        int iterations() {
            return iterations;
        }

        Iterate sweep() {
            int end = Math.min(begin + window, k);
            double[][] old = new double[k + 1][];
            for (int j = 0; j <= k; j++) {
                old[j] = x[j].clone();
            }
            double[] running = old[begin].clone();
            int advance = end - begin;
            boolean decided = false;
            for (int j = begin; j < end; j++) {
                double[] eps = f.at(old[j], n, PlainDiffusion.logit(abar[j]));
                for (int i = 0; i < running.length; i++) {
                    running[i] += mean(ddpm, abar[j], abarPrev[j], old[j][i], eps[i]) - old[j][i] + xi[j][i];
                }
                x[j + 1] = running.clone();
                boolean converged = j + 1 < k;
                for (int s = 0; s < n && converged; s++) {
                    double sq = 0;
                    for (int c = 0; c < dim; c++) {
                        double d = x[j + 1][s * dim + c] - old[j + 1][s * dim + c];
                        sq += d * d;
                    }
                    converged = sq / dim <= tol * tol * var[j + 1];
                }
                if (!converged && !decided) {
                    advance = j - begin + 1;
                    decided = true;
                }
            }
            evaluations += end - begin;
            iterations++;
            int start = begin;
            begin += advance;
            int newEnd = Math.min(begin + window, k);
            for (int j = end + 1; j <= newEnd; j++) {
                x[j] = x[end].clone();
            }
            List<double[]> slots = new ArrayList<>();
            for (double[] s : x) {
                slots.add(s.clone());
            }
            return new Iterate(start, begin, evaluations, slots);
        }
    }
}
