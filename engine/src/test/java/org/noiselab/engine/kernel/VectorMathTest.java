package org.noiselab.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VectorMathTest {

    @Test
    void expIsAccurateToAFewUlpsIncludingTails() {
        SplittableRandom rng = new SplittableRandom(1);
        int n = 100_003;
        float[] x = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextDouble(-80, 80);
        }
        VectorMath.expScaled(x, 1f, y, 0, n);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double exact = Math.exp(x[i]);
            worst = Math.max(worst, Math.abs(y[i] - exact) / exact);
        }
        assertThat(worst).isLessThan(5e-7);
        float[] edge = {0f, -500f, 500f, 1f};
        float[] out = new float[4];
        VectorMath.expScaled(edge, -2f, out, 0, 4);
        assertThat(out[0]).isEqualTo(1f);
        assertThat(out[1]).isFinite();
        assertThat(out[2]).isBetween(0f, 1e-37f);
        assertThat((double) out[3]).isCloseTo(Math.exp(-2), org.assertj.core.api.Assertions.within(1e-7));
    }

    @Test
    void sinAndCosAreAccurateOverTheFeaturePhases() {
        SplittableRandom rng = new SplittableRandom(2);
        int count = 37;
        float[] freq = new float[(count + VectorMath.lanes() - 1) / VectorMath.lanes() * VectorMath.lanes()];
        float[] out = new float[2 * count];
        double worst = 0;
        for (int rep = 0; rep < 5_000; rep++) {
            for (int k = 0; k < count; k++) {
                freq[k] = (float) rng.nextDouble(0, 25);
            }
            float v = (float) rng.nextDouble(-30, 30);
            VectorMath.sinCos(freq, count, v, out, 0, count, VectorMath.scratch());
            for (int k = 0; k < count; k++) {
                float phase = freq[k] * v;
                worst = Math.max(worst, Math.abs(out[k] - Math.sin(phase)));
                worst = Math.max(worst, Math.abs(out[count + k] - Math.cos(phase)));
            }
        }
        assertThat(worst).isLessThan(1e-6);
    }

    @Test
    void laneSumIsInIndexOrder() {
        float[] v = new float[VectorMath.lanes()];
        float expected = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 2 == 0 ? 1e8f : 1f;
            expected += v[i];
        }
        assertThat(VectorMath.sumLanes(v)).isEqualTo(expected);
    }
}
