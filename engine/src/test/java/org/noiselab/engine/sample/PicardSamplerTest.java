package org.noiselab.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.noiselab.engine.model.OracleDenoiser;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.toys.ToyDatasets;

/** Picard iteration driven by the exact denoiser, against the sequential samplers it parallelises. */
class PicardSamplerTest {

    private static final NoiseSchedule SCHEDULE = NoiseSchedule.linear(1000);

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
}
