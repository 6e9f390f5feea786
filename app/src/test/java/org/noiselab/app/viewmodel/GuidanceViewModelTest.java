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
import org.noiselab.app.service.SampleTrajectory;

/**
 * The class picker and guidance slider of the samples view on the real services: offered only for conditional
 * models, re-sampling the same seeded noise as the weight moves, with the class's spread and accuracy read out.
 */
class GuidanceViewModelTest {

    @TempDir
    Path dir;

    private Harness h;
    private SamplesViewModel samples;

    @BeforeEach
    void open() throws Exception {
        h = new Harness(dir);
        samples = new SamplesViewModel(h.lab, h.analysis, h.dialogs);
        h.lab.openDefault().get(30, TimeUnit.SECONDS);
        await(() -> h.lab.modelProperty().get() != null);
    }

    @AfterEach
    void close() {
        h.close();
    }

    private void newRun(String dataset, boolean conditional) {
        h.setup.datasetProperty().set(dataset);
        h.setup.conditionalProperty().set(conditional);
        h.setup.widthProperty().set(32);
        h.setup.stepsProperty().set(20);
        assertThat(h.setup.validProperty().get()).as(h.setup.validationProperty().get()).isTrue();
        h.setup.apply();
        await(() -> h.lab.modelProperty().get() != null && h.lab.modelProperty().get().dataset().equals(dataset)
                && h.lab.modelProperty().get().spec().classCount() == (conditional ? 3 : 0));
    }

    @Test
    void theOracleOfALabelledDatasetIsGuidedOnTheSameNoise() {
        newRun("three-class", false);
        assertThat(samples.classesProperty().get()).as("an unconditional model offers no classes").isEmpty();
        h.lab.modelChoiceProperty().set(ModelChoice.ORACLE);
        assertThat(samples.classesProperty().get()).containsExactly("top", "lower-left", "lower-right");

        samples.samplerProperty().set("ddim");
        samples.stepsProperty().set(25);
        samples.sampleCountProperty().set(800);
        samples.labelProperty().set(0);
        samples.sample();
        await(() -> samples.trajectoryProperty().get() != null && !samples.busyProperty().get());
        SampleTrajectory plain = samples.trajectoryProperty().get();
        assertThat(plain.guidance()).isEqualTo(new SampleTrajectory.Guidance(0, 0));
        assertThat(plain.stats()).isNotNull();

        samples.guidanceProperty().set(3);
        await(() -> samples.trajectoryProperty().get().guidance().weight() == 3 && !samples.busyProperty().get());
        SampleTrajectory guided = samples.trajectoryProperty().get();
        assertThat(guided.frames().get(0)).as("the same seeded noise").containsExactly(plain.frames().get(0));
        assertThat(guided.stats().spread()).isLessThan(plain.stats().spread() - 0.1);
        assertThat(guided.stats().accuracy()).isGreaterThanOrEqualTo(plain.stats().accuracy());
        assertThat(samples.summaryProperty().get()).contains("class top, w = 3.00").contains("classified as top");

        samples.guidanceProperty().set(50);
        assertThat(samples.guidanceProperty().get()).isEqualTo(SamplesViewModel.MAX_GUIDANCE);
        samples.labelProperty().set(7);
        assertThat(samples.labelProperty().get()).isEqualTo(SamplesViewModel.UNCONDITIONAL);
        assertThat(h.dialogs.errors).isEmpty();
    }

    @Test
    void aConditionalRunNeedsALabelledDatasetAndOffersItsClasses() {
        h.setup.datasetProperty().set("dino");
        h.setup.conditionalProperty().set(true);
        assertThat(h.setup.validProperty().get()).isFalse();
        assertThat(h.setup.validationProperty().get()).contains("no classes");

        newRun("three-class", true);
        assertThat(samples.classesProperty().get()).hasSize(3);
        samples.samplerProperty().set("ddim");
        samples.stepsProperty().set(10);
        samples.sampleCountProperty().set(200);
        samples.labelProperty().set(2);
        samples.guidanceProperty().set(1.5);
        samples.sample();
        await(() -> samples.trajectoryProperty().get() != null && !samples.busyProperty().get());
        assertThat(samples.trajectoryProperty().get().guidance()).isEqualTo(new SampleTrajectory.Guidance(2, 1.5));
        assertThat(samples.trajectoryProperty().get().millis()).isPositive();
    }

    @Test
    void aSampleRequestWhileBusyIsDroppedButAWeightChangeIsNot() throws Exception {
        newRun("three-class", false);
        h.lab.modelChoiceProperty().set(ModelChoice.ORACLE);
        samples.samplerProperty().set("ddim");
        samples.stepsProperty().set(200);
        samples.sampleCountProperty().set(2000);
        int[] runs = {0};
        samples.trajectoryProperty().addListener((o, a, b) -> runs[0]++);
        Harness.onUi(() -> {
            samples.sample();
            samples.sample(); // the view's "first samples" request while busy: dropped, as before guidance existed
            return null;
        });
        await(() -> !samples.busyProperty().get() && samples.trajectoryProperty().get() != null);
        h.drain();
        assertThat(runs[0]).isEqualTo(1);

        Harness.onUi(() -> {
            samples.labelProperty().set(1);
            samples.guidanceProperty().set(2); // arrives while the class change is sampling: runs once more at the end
            return null;
        });
        await(() -> !samples.busyProperty().get() && samples.trajectoryProperty().get().guidance() != null
                && samples.trajectoryProperty().get().guidance().weight() == 2);
        assertThat(samples.trajectoryProperty().get().guidance().label()).isEqualTo(1);
    }
}
