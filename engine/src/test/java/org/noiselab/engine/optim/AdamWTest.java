package org.noiselab.engine.optim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdamWTest {

    @Test
    void aNonFiniteGradientIsReportedAndLeavesParametersAndMomentsAsTheyWere() {
        AdamW opt = new AdamW(AdamWSpec.DEFAULT, 3);
        float[] params = {1, 2, 3};
        assertThat(opt.step(params, new float[] {0.1f, -0.2f, 0.3f}, 1e-2)).isFinite();
        float[] before = params.clone();
        float[] m = opt.firstMoment();
        float[] v = opt.secondMoment();
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            double norm = opt.step(params, new float[] {0.1f, bad, 0.3f}, 1e-2);
            assertThat(Double.isFinite(norm)).isFalse();
            assertThat(params).containsExactly(before);
            assertThat(opt.firstMoment()).containsExactly(m);
            assertThat(opt.secondMoment()).containsExactly(v);
            assertThat(opt.steps()).isEqualTo(1);
        }
        // a finite step after them is the step the optimiser would have taken anyway
        AdamW fresh = new AdamW(AdamWSpec.DEFAULT, 3);
        float[] same = {1, 2, 3};
        fresh.step(same, new float[] {0.1f, -0.2f, 0.3f}, 1e-2);
        fresh.step(same, new float[] {0.3f, 0.1f, -0.1f}, 1e-2);
        opt.step(params, new float[] {0.3f, 0.1f, -0.1f}, 1e-2);
        assertThat(params).containsExactly(same);
    }
}
