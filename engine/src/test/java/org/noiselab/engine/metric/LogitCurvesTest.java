package org.noiselab.engine.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The ablation's curve measures on curves whose answer is known. */
class LogitCurvesTest {

    private static double[] curve(java.util.function.IntToDoubleFunction f) {
        double[] c = new double[1002];
        for (int u = 0; u < c.length; u++) {
            c[u] = f.applyAsDouble(u);
        }
        return c;
    }

    @Test
    void aUnimodalCurveIsMonotoneAtEveryStride() {
        double[] c = curve(u -> -Math.abs(u - 400) / 10.0);
        assertThat(LogitCurves.monotoneFraction(c, 1)).isEqualTo(1.0);
        assertThat(LogitCurves.monotoneFraction(c)).isEqualTo(1.0);
    }

    @Test
    void aSmallWiggleBreaksOnlyTheOneLevelStride() {
        double[] c = curve(u -> -Math.abs(u - 400) * 0.001 + (u % 2 == 0 ? 0.01 : -0.01));
        assertThat(LogitCurves.monotoneFraction(c, 1)).isBetween(0.4, 0.6);
        assertThat(LogitCurves.monotoneFraction(c)).isEqualTo(1.0);
    }

    @Test
    void aCurveRisingFarFromItsPeakIsNotMonotone() {
        double[] c = curve(u -> -Math.abs(u - 400) + 1.5 * Math.max(0, u - 700));
        // the global peak stays at 400 (at 1001 the curve reaches -601 + 451.5 = -149.5); 700..1001 climbs
        double f = LogitCurves.monotoneFraction(c);
        assertThat(f).isCloseTo(1 - 15.0 / 50, within(0.03));
    }

    @Test
    void farExcessAveragesOnlyLevelsFarFromTheTrueOne() {
        double[] exact = curve(u -> -u);
        double[] model = curve(u -> -u + (Math.abs(u - 500) > 300 ? 2.0 : 100.0));
        assertThat(LogitCurves.farExcess(model, exact, 500, 300)).isCloseTo(2.0, within(1e-12));
    }
}
