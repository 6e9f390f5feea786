package org.noiselab.app.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.noiselab.app.viewmodel.Harness.await;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.app.service.ModelChoice;

class AnalysisViewModelsTest {

    @TempDir
    Path dir;

    private Harness h;
    private ScoreErrorViewModel scoreError;
    private SamplesViewModel samples;

    @BeforeEach
    void open() throws Exception {
        h = new Harness(dir);
        scoreError = new ScoreErrorViewModel(h.lab, h.analysis, h.dialogs);
        samples = new SamplesViewModel(h.lab, h.analysis, h.dialogs);
        h.lab.openDefault().get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void oneDimensionalHeatmapCoversTheFigureOneGrid() {
        await(() -> scoreError.imageProperty().get() != null);
        GridImage img = scoreError.imageProperty().get();
        assertThat(img.nx()).isEqualTo(100);
        assertThat(img.ny()).isEqualTo(ScoreErrorViewModel.LINE_POINTS);
        assertThat(img.xMin()).isZero();
        assertThat(img.xMax()).isEqualTo(1000);
        assertThat(img.yMin()).isEqualTo(-30);
        assertThat(img.yMax()).isEqualTo(30);
        assertThat(scoreError.isLine()).isTrue();
        // where the data lives at t ~ 500 (modes at +-5 sqrt(abar) = +-1.4) the pretrained model is accurate; far from
        // every forward path (x = -28 at t ~ 15) it is not
        double onPath = img.values()[img.row(1.4) * img.nx() + img.column(505)];
        double offPath = img.values()[img.row(-28.0) * img.nx() + img.column(15)];
        assertThat(onPath).isLessThan(0.01);
        assertThat(offPath).isGreaterThan(10 * onPath);
        // the cell under t = 500 spans steps 500..510 and shows step 510
        assertThat(scoreError.describe(500, 0.0)).contains("t = 510").contains("x = ");
    }

    @Test
    void theOracleHasNoErrorAndMeasuresAreConsistent() {
        await(() -> scoreError.imageProperty().get() != null);
        h.lab.modelChoiceProperty().set(ModelChoice.ORACLE);
        // the oracle's heatmap is identically zero (up to float round-off)
        await(() -> java.util.Arrays.stream(scoreError.imageProperty().get().values()).max().orElse(1) < 1e-8);
        h.lab.modelChoiceProperty().set(ModelChoice.EMA);
        await(() -> scoreError.imageProperty().get().values()[10] > 1e-6);
        double eps = scoreError.imageProperty().get().values()[10];
        scoreError.measureProperty().set(ErrorMeasure.SCORE_SQUARED);
        double score = scoreError.imageProperty().get().values()[10];
        scoreError.measureProperty().set(ErrorMeasure.SCORE_ABSOLUTE);
        double abs = scoreError.imageProperty().get().values()[10];
        assertThat(score).isGreaterThanOrEqualTo(eps);
        assertThat(abs * abs).isCloseTo(score, org.assertj.core.api.Assertions.within(1e-9 * (1 + score)));
    }

    @Test
    void samplingRecordsEveryStepAndTheScrubberIsClamped() {
        await(() -> h.lab.modelProperty().get() != null);
        samples.samplerProperty().set("ddim");
        samples.stepsProperty().set(40);
        samples.sampleCountProperty().set(300);
        samples.sample();
        await(() -> samples.trajectoryProperty().get() != null);
        assertThat(samples.frameCountProperty().get()).isEqualTo(41);
        assertThat(samples.frameProperty().get()).isEqualTo(40);
        assertThat(samples.frameAlphaBar()).isEqualTo(1.0);
        samples.frameProperty().set(500);
        assertThat(samples.frameProperty().get()).isEqualTo(40);
        samples.frameProperty().set(0);
        assertThat(samples.frameAlphaBar()).isLessThan(0.01);
        await(() -> samples.lineDensityProperty().get() != null);
        samples.togglePlay();
        assertThat(samples.playingProperty().get()).isTrue();
        for (int i = 0; i < 200 && samples.playingProperty().get(); i++) {
            samples.advance();
        }
        assertThat(samples.playingProperty().get()).isFalse();
        assertThat(samples.frameProperty().get()).isEqualTo(40);
        assertThat(samples.summaryProperty().get()).contains("300 samples").contains("ddim");
    }

    @Test
    void lossSeriesAveragesBuckets() {
        float[] losses = {1, 3, 5, 7, 9, 11};
        double[][] s = LossSeries.downsample(losses, 3);
        assertThat(s[1]).containsExactly(2, 6, 10);
        assertThat(s[0]).containsExactly(1.5, 3.5, 5.5);
        assertThat(LossSeries.downsample(losses, 100)[1]).hasSize(6);
    }
}
