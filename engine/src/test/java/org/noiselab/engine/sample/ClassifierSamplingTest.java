package org.noiselab.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.noiselab.engine.metric.Mmd;
import org.noiselab.engine.model.ClassifierDenoiser;
import org.noiselab.engine.model.ExactNoiseClassifier;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.toys.ToyDataset;
import org.noiselab.toys.ToyDatasets;

/**
 * Every sampler runs unchanged on a noise-level classifier through {@link ClassifierDenoiser}: with the exact
 * classifier of a mixture the samples match the data (same thresholds as {@link OracleSamplerTest}, which also shows
 * they reject a shifted distribution), and Picard iteration ends at the sequential result.
 */
class ClassifierSamplingTest {

    private static final int N = 2000;
    private static final NoiseSchedule SCHEDULE = NoiseSchedule.linear(1000);

    static Stream<Arguments> cases() {
        SamplerSpec[] specs = {new SamplerSpec.Ddpm(100), new SamplerSpec.Ddim(50, 0), new SamplerSpec.DpmSolver2(25),
            new SamplerSpec.Heun(25)};
        return Stream.of(ToyDatasets.GAUSS_1D, ToyDatasets.DINO)
                .flatMap(name -> Stream.of(specs).map(spec -> Arguments.of(name, spec)));
    }

    private static DiffusionProblem exactClassifier(ToyDataset d) {
        return new DiffusionProblem(new ClassifierDenoiser(new ExactNoiseClassifier(d, SCHEDULE), SCHEDULE), SCHEDULE);
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void samplesFromTheExactClassifierMatchTheData(String name, SamplerSpec spec) {
        ToyDataset d = ToyDatasets.byName(name);
        float[] data = d.sample(N, 1).pointsAsFloats();
        SampleResult r = Samplers.create(spec).sample(exactClassifier(d), SamplingRequest.of(N, 9));
        double mmd = Mmd.mmd(r.points(), N, data, N, d.dim(), OracleSamplerTest.bandwidth(d));
        assertThat(mmd).as("MMD of %s samples", spec).isLessThan(OracleSamplerTest.threshold(d));
    }

    @Test
    void picardOnAClassifierEndsAtTheSequentialResult() {
        DiffusionProblem p = exactClassifier(ToyDatasets.byName(ToyDatasets.GAUSS_1D));
        SamplingRequest req = SamplingRequest.of(50, 7);
        float[] sequential = Samplers.create(new SamplerSpec.Ddpm(100)).sample(p, req).points();
        List<PicardIteration> iterations = new ArrayList<>();
        float[] picard = new PicardSampler(new PicardSpec(100, 0, 1e-5, PicardSpec.Drift.DDPM))
                .sample(p, req, new int[0], iterations::add).points();
        for (int i = 0; i < sequential.length; i++) {
            assertThat(picard[i]).isCloseTo(sequential[i], within(1e-4f));
        }
        assertThat(iterations.size()).isLessThan(100);
    }
}
