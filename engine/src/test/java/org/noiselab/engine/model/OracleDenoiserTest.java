package org.noiselab.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.toys.ToyDataset;
import org.noiselab.toys.ToyDatasets;

class OracleDenoiserTest {

    @Test
    void mixedNoiseLevelsInOneCallMatchTheMixturesPosteriorMean() {
        ToyDataset dino = ToyDatasets.byName("dino");
        OracleDenoiser oracle = new OracleDenoiser(dino);
        float[] x = {0.1f, -0.5f, 1.2f, 0.3f, -2f, 2f};
        double[] abar = {0.9, 0.2, 0.001};
        float[] lambda = new float[3];
        for (int i = 0; i < 3; i++) {
            lambda[i] = (float) NoiseSchedule.logSnrOfAlphaBar(abar[i]);
        }
        float[] out = new float[6];
        oracle.predictEps(x, lambda, null, 3, out);
        for (int i = 0; i < 3; i++) {
            double a = NoiseSchedule.alphaBarOfLogSnr(lambda[i]);
            double[] expected = dino.mixture().epsPosteriorMean(new double[] {x[2 * i], x[2 * i + 1]}, 1, a);
            assertThat(out[2 * i]).isCloseTo((float) expected[0], within(1e-5f));
            assertThat(out[2 * i + 1]).isCloseTo((float) expected[1], within(1e-5f));
        }
    }

    @Test
    void classConditionalOracleUsesTheClassMixtureAndNullMeansAll() {
        ToyDataset three = ToyDatasets.byName("three-class");
        OracleDenoiser oracle = new OracleDenoiser(three);
        assertThat(oracle.classCount()).isEqualTo(3);
        float[] x = {0.5f, 0.5f, 0.5f, 0.5f};
        float[] lambda = {0f, 0f};
        float[] out = new float[4];
        oracle.predictEps(x, lambda, new int[] {1, oracle.nullClass()}, 2, out);
        double[] cls = three.classMixture(1).epsPosteriorMean(new double[] {0.5, 0.5}, 1, 0.5);
        double[] all = three.mixture().epsPosteriorMean(new double[] {0.5, 0.5}, 1, 0.5);
        assertThat(out[0]).isCloseTo((float) cls[0], within(1e-6f));
        assertThat(out[2]).isCloseTo((float) all[0], within(1e-6f));
        assertThat(cls[0]).isNotCloseTo(all[0], within(1e-3));
    }
}
