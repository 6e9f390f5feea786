package org.noiselab.app.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.noiselab.app.viewmodel.Harness.await;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.app.service.DefaultRun;
import org.noiselab.app.service.ModelChoice;
import org.noiselab.app.service.ModelRef;
import org.noiselab.app.service.PicardRun;

class PicardViewModelTest {

    @TempDir
    Path dir;

    private Harness h;
    private PicardViewModel picard;

    @BeforeEach
    void open() throws Exception {
        h = new Harness(dir);
        picard = new PicardViewModel(h.lab, h.analysis, h.dialogs);
        h.lab.openDefault().get(30, TimeUnit.SECONDS);
        await(() -> h.lab.modelProperty().get() != null && picard.stepsProperty().get() == 1000);
    }

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void onlyModelsOfTheRunsDimensionAreOfferedForComparison() throws Exception {
        assertThat(picard.comparable()).isNotEmpty().allMatch(s -> s.dim() == 1)
                .extracting(DefaultRun.Shipped::label).allMatch(l -> l.startsWith("1D"));
        h.lab.openPretrained(DefaultRun.DINO).get(30, TimeUnit.SECONDS);
        await(() -> h.lab.modelProperty().get().dataset().equals("dino"));
        assertThat(picard.comparable()).isNotEmpty().allMatch(s -> s.dim() == 2)
                .extracting(DefaultRun.Shipped::label).noneMatch(l -> l.startsWith("1D"));
    }

    @Test
    void everyShippedModelDeclaresItsDataDimension() {
        for (DefaultRun.Shipped s : DefaultRun.SHIPPED) {
            assertThat(DefaultRun.load(s.resource()).setup().model().dim()).as(s.label()).isEqualTo(s.dim());
        }
    }

    @Test
    void runsPicardOnTheOracleAndComparesWithAShippedModel() throws Exception {
        h.lab.modelChoiceProperty().set(ModelChoice.ORACLE);
        picard.stepsProperty().set(100);
        picard.sampleCountProperty().set(40);
        PicardRun run = picard.runCurrent().get(60, TimeUnit.SECONDS);
        await(() -> !picard.busyProperty().get());
        assertThat(run.done()).isTrue();
        assertThat(run.label()).isEqualTo("oracle");
        assertThat(run.frames().size()).isBetween(2, 99);
        assertThat(run.frames().get(run.frames().size() - 1).converged()).isEqualTo(100);
        assertThat(picard.iterationCountProperty().get()).isEqualTo(run.frames().size());
        assertThat(picard.frame().trajectories()[0]).hasSize(101);
        assertThat(run.stepOfSlot(0)).isEqualTo(1000);
        assertThat(run.stepOfSlot(100)).isZero();

        PicardRun other = picard.compareWith(new ModelRef.Shipped(DefaultRun.SHIPPED.get(0))).get(120,
                TimeUnit.SECONDS);
        await(() -> picard.comparisonProperty().get() != null && picard.comparisonProperty().get().done());
        assertThat(other.label()).contains("Gaussian");
        assertThat(picard.runProperty().get()).isSameAs(run);

        picard.iterationProperty().set(999);
        assertThat(picard.iterationProperty().get()).isEqualTo(run.frames().size() - 1);
        picard.togglePlay();
        assertThat(picard.iterationProperty().get()).isZero();
        assertThat(h.dialogs.errors).isEmpty();
    }

    @Test
    void impossibleSettingsAreReportedNotRun() {
        picard.toleranceProperty().set(-1);
        picard.runCurrent();
        assertThat(h.dialogs.notices).anyMatch(m -> m.contains("tol"));
        assertThat(picard.busyProperty().get()).isFalse();
    }
}
