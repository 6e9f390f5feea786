package org.noiselab.engine.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class NoiseScheduleContractTest {

    static Stream<NoiseSchedule> schedules() {
        return Stream.of(NoiseSchedule.linear(1000), NoiseSchedule.cosine(1000), NoiseSchedule.uniform(1000),
                NoiseSchedule.linear(50), NoiseSchedule.cosine(7));
    }

    @ParameterizedTest
    @MethodSource("schedules")
    void alphaBarIsStrictlyDecreasingFromOneToZero(NoiseSchedule s) {
        assertThat(s.alphaBar(0)).isEqualTo(1.0);
        assertThat(s.alphaBar(s.steps() + 1)).isEqualTo(0.0);
        for (int t = 1; t <= s.steps(); t++) {
            assertThat(s.alphaBar(t)).isStrictlyBetween(0.0, 1.0).isLessThan(s.alphaBar(t - 1));
        }
        assertThat(s.logSnr(0)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(s.logSnr(s.steps() + 1)).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @ParameterizedTest
    @MethodSource("schedules")
    void betasLogSnrAndPosteriorVarianceAreConsistent(NoiseSchedule s) {
        double prod = 1;
        for (int t = 1; t <= s.steps(); t++) {
            double beta = s.beta(t);
            assertThat(beta).isStrictlyBetween(0.0, 1.0);
            prod *= 1 - beta;
            assertThat(s.alphaBar(t)).isCloseTo(prod, within(1e-12));
            double lambda = s.logSnr(t);
            assertThat(NoiseSchedule.alphaBarOfLogSnr(lambda)).isCloseTo(s.alphaBar(t), within(1e-12));
            assertThat(s.sigma(t)).isCloseTo(Math.sqrt(1 - s.alphaBar(t)), within(1e-15));
            assertThat(s.posteriorVariance(t)).isBetween(0.0, beta);
        }
        assertThat(s.posteriorVariance(1)).isZero();
    }

    @Test
    void linearScheduleMatchesDdpmNumbers() {
        NoiseSchedule s = NoiseSchedule.linear(1000);
        assertThat(s.beta(1)).isCloseTo(1e-4, within(1e-12));
        assertThat(s.beta(1000)).isCloseTo(0.02, within(1e-12));
        // prod_{t=1}^{1000} (1 - beta_t) for the DDPM schedule
        assertThat(s.alphaBar(1000)).isCloseTo(4.035e-5, within(1e-7));
    }

    @Test
    void uniformScheduleHasLinearNoiseStd() {
        NoiseSchedule s = NoiseSchedule.uniform(1000);
        for (int t : new int[] {1, 250, 1000}) {
            assertThat(s.sigma(t)).isCloseTo(t / 1001.0, within(1e-12));
        }
    }

    @Test
    void cosineScheduleFollowsItsClosedForm() {
        NoiseSchedule s = NoiseSchedule.cosine(1000);
        double f0 = Math.pow(Math.cos(0.008 / 1.008 * Math.PI / 2), 2);
        double f500 = Math.pow(Math.cos((0.5 + 0.008) / 1.008 * Math.PI / 2), 2);
        assertThat(s.alphaBar(500)).isCloseTo(f500 / f0, within(1e-12));
    }

    @Test
    void invalidSpecsNameTheField() {
        assertThatThrownBy(() -> NoiseSchedule.linear(0)).hasMessageContaining("steps = 0");
        assertThatThrownBy(() -> new ScheduleSpec.LinearBeta(10, 0.5, 0.1)).hasMessageContaining("betas");
        assertThatThrownBy(() -> ScheduleSpec.parse("sigmoid", 10)).hasMessageContaining("schedule = sigmoid");
    }
}
