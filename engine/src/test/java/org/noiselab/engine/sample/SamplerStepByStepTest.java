package org.noiselab.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.noiselab.engine.model.Denoiser;
import org.noiselab.engine.model.GuidedDenoiser;
import org.noiselab.engine.model.MlpDenoiser;
import org.noiselab.engine.model.MlpSpec;
import org.noiselab.engine.model.OracleDenoiser;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.toys.ToyDataset;
import org.noiselab.toys.ToyDatasets;

/**
 * Every sampler's whole path, step by step, against {@link PlainDiffusion}'s re-implementation from the papers: on the
 * exact denoiser (the engine's oracle against the toy's closed form in double), on a random small network, and guided
 * (the engine's one doubled call against two separate predictions). Convergence and distribution tests live in
 * {@link OracleSamplerTest}; these pin the transient, which those cannot see.
 */
class SamplerStepByStepTest {

    private static final int T = 1000;
    private static final NoiseSchedule SCHEDULE = NoiseSchedule.linear(T);
    private static final double[] ABAR = PlainDiffusion.linearAlphaBar(T);
    private static final int N = 12;
    private static final long SEED = 17;
    /**
     * Agreement bound, relative to max(1, |x|): the engine keeps states in float and the reference in double. The
     * largest difference measured over these cases is printed by each test; an error in any coefficient of an update
     * is orders of magnitude above it.
     */
    private static final double BOUND = 5e-5;

    /** A model for the engine and the same model for the reference. */
    record Case(String name, Denoiser engine, PlainDiffusion.Eps reference, int[] labels, int dim) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> models() {
        ToyDataset dino = ToyDatasets.byName(ToyDatasets.DINO);
        ToyDataset gauss = ToyDatasets.byName(ToyDatasets.GAUSS_1D);
        MlpDenoiser random = MlpDenoiser.initialise(MlpSpec.defaults(2).withWidth(24).withDepth(2), 3);
        ToyDataset three = ToyDatasets.byName("three-class");
        int[] labels = new int[N];
        for (int i = 0; i < N; i++) {
            labels[i] = i % 3;
        }
        MlpDenoiser conditional = MlpDenoiser.initialise(MlpSpec.defaults(2).withWidth(24).withDepth(2)
                .withClassCount(3), 5);
        double w = 2;
        return Stream.of(
                new Case("oracle dino", new OracleDenoiser(dino), PlainDiffusion.exact(dino.mixture()), null, 2),
                new Case("oracle 1D", new OracleDenoiser(gauss), PlainDiffusion.exact(gauss.mixture()), null, 1),
                new Case("random network", random, PlainDiffusion.model(random, null), null, 2),
                new Case("guided oracle w=2", new GuidedDenoiser(new OracleDenoiser(three), w),
                        perRowClass(three, labels, w), labels, 2),
                new Case("guided random network w=2", new GuidedDenoiser(conditional, w),
                        PlainDiffusion.guided(PlainDiffusion.model(conditional, labels),
                                PlainDiffusion.model(conditional, filled(3)), w), labels, 2));
    }

    /** The exact guided noise of the three-class oracle, each row with its own class, from the closed forms. */
    private static PlainDiffusion.Eps perRowClass(ToyDataset d, int[] labels, double w) {
        return (x, n, lambda) -> {
            double[] out = new double[x.length];
            double[] uncond = PlainDiffusion.exact(d.mixture()).at(x, n, lambda);
            for (int r = 0; r < n; r++) {
                double[] row = {x[2 * r], x[2 * r + 1]};
                double[] c = PlainDiffusion.exact(d.classMixture(labels[r])).at(row, 1, lambda);
                for (int j = 0; j < 2; j++) {
                    out[2 * r + j] = (1 + w) * c[j] - w * uncond[2 * r + j];
                }
            }
            return out;
        };
    }

    private static int[] filled(int label) {
        int[] l = new int[N];
        java.util.Arrays.fill(l, label);
        return l;
    }

    /** A sampler and its plain twin. */
    record Pair(SamplerSpec spec, Reference reference) {
        @Override
        public String toString() {
            return spec.toString();
        }
    }

    interface Reference {
        List<double[]> path(PlainDiffusion.Eps f, int dim);
    }

    static Stream<Arguments> cases() {
        List<Pair> samplers = List.of(
                new Pair(new SamplerSpec.Ddpm(40), (f, d) -> PlainDiffusion.ddpm(f, ABAR, 40, N, d, SEED)),
                new Pair(new SamplerSpec.Ddim(40, 0), (f, d) -> PlainDiffusion.ddim(f, ABAR, 40, N, d, SEED, 0)),
                new Pair(new SamplerSpec.Ddim(40, 0.5), (f, d) -> PlainDiffusion.ddim(f, ABAR, 40, N, d, SEED, 0.5)),
                new Pair(new SamplerSpec.Ddim(40, 1), (f, d) -> PlainDiffusion.ddim(f, ABAR, 40, N, d, SEED, 1)),
                new Pair(new SamplerSpec.DpmSolver2(20), (f, d) -> PlainDiffusion.dpmSolver2(f, ABAR, 20, N, d, SEED)),
                new Pair(new SamplerSpec.Heun(15), (f, d) -> PlainDiffusion.karras(f, ABAR, 15, N, d, SEED, true)),
                new Pair(new SamplerSpec.Euler(30), (f, d) -> PlainDiffusion.karras(f, ABAR, 30, N, d, SEED, false)),
                // few Langevin steps: on the random network (large steps, a rough function) float round-off grows
                // chaotically over many steps (measured: 3e-3 after 100 steps, smoothly, from 4e-8 at the start)
                new Pair(new SamplerSpec.Langevin(10, 3, 0.16),
                        (f, d) -> PlainDiffusion.langevin(f, ABAR, 10, 3, 0.16, N, d, SEED)));
        return models().flatMap(m -> samplers.stream().map(s -> Arguments.of(m, s)));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void everyStepEqualsThePlainReimplementation(Case model, Pair sampler) {
        List<float[]> engine = new ArrayList<>();
        List<Integer> indices = new ArrayList<>();
        SamplingListener record = new SamplingListener() {
            @Override
            public void onStart(SamplingStep initial) {
                engine.add(initial.points());
                indices.add(initial.index());
            }

            @Override
            public void onStep(SamplingStep step) {
                engine.add(step.points());
                indices.add(step.index());
            }
        };
        SamplingRequest request = new SamplingRequest(N, SEED, model.labels());
        SampleResult result = Samplers.create(sampler.spec())
                .sample(new DiffusionProblem(model.engine(), SCHEDULE), request, record);
        List<double[]> reference = sampler.reference().path(model.reference(), model.dim());

        assertThat(indices).as("published step indices").containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, reference.size()).boxed().toList());
        assertThat(result.points()).containsExactly(engine.get(engine.size() - 1));
        double worst = PlainDiffusion.maxRelativeDifference(engine, reference);
        System.out.printf("step-by-step %s on %s: largest relative difference %.2e%n", sampler, model, worst);
        assertThat(worst).as("largest difference of any step").isLessThan(BOUND);
    }
}
