package org.noiselab.app.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.noiselab.app.viewmodel.Harness.await;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.app.service.ImageModelService;

/**
 * The image workspace on the real services and the shipped MNIST model: it loads when first shown, samples a grid
 * and the reverse process from seeded noise, re-samples the same noise for a class and a guidance weight, and
 * denoises a shipped test image (the estimate is closer to the clean image than the noised one is).
 */
class ImagesViewModelTest {

    @TempDir
    Path dir;

    private Harness h;
    private ImagesViewModel images;

    @BeforeEach
    void open() {
        h = new Harness(dir);
        images = new ImagesViewModel(new ImageModelService(h.analysis), h.dialogs);
    }

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void showingTheWorkspaceOpensTheShippedModelAndSamplesDigits() {
        images.stepsProperty().set(10);
        images.showingProperty().set(true);
        await(() -> images.gridProperty().get() != null && images.framesProperty().get() != null
                && !images.busyProperty().get());
        ImageModelService.Info info = images.infoProperty().get();
        assertThat(info.classCount()).isEqualTo(10);
        assertThat(info.shape().dim()).isEqualTo(784);
        assertThat(info.testImages()).isEqualTo(1000);
        ImageModelService.Images grid = images.gridProperty().get();
        assertThat(grid.count()).isEqualTo(ImagesViewModel.GRID);
        List<float[]> frames = images.framesProperty().get();
        assertThat(frames).hasSize(ImagesViewModel.FRAMES);
        assertThat(std(frames.get(0))).as("the first frame is pure noise").isBetween(0.9, 1.1);
        float[] first = java.util.Arrays.copyOf(grid.pixels(), 784);
        assertThat(frames.get(frames.size() - 1)).as("the last frame is the grid's first image").containsExactly(first);

        images.labelProperty().set(3);
        await(() -> images.gridProperty().get() != grid && !images.busyProperty().get());
        ImageModelService.Images three = images.gridProperty().get();
        images.guidanceProperty().set(2);
        await(() -> images.gridProperty().get() != three && !images.busyProperty().get());
        assertThat(images.summaryProperty().get()).contains("class 3, w = 2.0");
        assertThat(h.dialogs.errors).isEmpty();
    }

    @Test
    void aTestImageIsDenoisedAndScoredByTheDdpmAndTheCdm() {
        images.showingProperty().set(true);
        await(() -> images.denoisingProperty().get() != null && images.denoisingProperty().get().compared() != null);
        assertThat(images.comparisonProperty().get().cdm()).isTrue();
        images.noiseStepProperty().set(200);
        await(() -> images.denoisingProperty().get().main().denoised().step() == 200);
        ImageModelService.Denoising d = images.denoisingProperty().get();
        assertThat(d.label()).isEqualTo(7);
        ImageModelService.Estimate ddpm = d.main();
        ImageModelService.Estimate cdm = d.compared();
        assertThat(ddpm.cdm()).isFalse();
        assertThat(cdm.cdm()).isTrue();
        assertThat(cdm.denoised().noised()).as("both models denoise the same noised image")
                .containsExactly(ddpm.denoised().noised());
        double noisedError = rms(ddpm.denoised().noised(), d.clean());
        assertThat(rms(ddpm.denoised().estimate(), d.clean())).as("DDPM estimate vs noised error %s", noisedError)
                .isLessThan(noisedError / 2);
        assertThat(rms(cdm.denoised().estimate(), d.clean())).as("CDM estimate vs noised error %s", noisedError)
                .isLessThan(noisedError);
        assertThat(ddpm.bitsPerDim()).isBetween(1.0, 6.0);
        assertThat(cdm.bitsPerDim()).isBetween(1.0, 8.0);
        images.testIndexProperty().set(1);
        await(() -> images.denoisingProperty().get().label() == 6);

        images.closeComparison();
        await(() -> images.comparisonProperty().get() == null && images.denoisingProperty().get().compared() == null);
        assertThat(h.dialogs.errors).isEmpty();
    }

    @Test
    void aToyCheckpointIsRefusedAsAComparisonToo() throws Exception {
        Path toy = dir.resolve("toy.nlab");
        h.lab.openDefault().get(30, TimeUnit.SECONDS);
        h.lab.saveTo(toy).get(30, TimeUnit.SECONDS);
        images.showingProperty().set(true);
        await(() -> images.comparisonProperty().get() != null);
        images.openComparison(toy);
        await(() -> !h.dialogs.errors.isEmpty());
        assertThat(h.dialogs.errors.get(0)).contains("comparison model").contains("toy model");
        assertThat(images.comparisonProperty().get().cdm()).as("the open comparison stays").isTrue();
    }

    @Test
    void aToyCheckpointIsRefusedWithAClearError() throws Exception {
        Path toy = dir.resolve("toy.nlab");
        h.lab.openDefault().get(30, TimeUnit.SECONDS);
        h.lab.saveTo(toy).get(30, TimeUnit.SECONDS);
        images.open(toy);
        await(() -> !h.dialogs.errors.isEmpty());
        assertThat(h.dialogs.errors.get(0)).contains("toy model");
        assertThat(images.infoProperty().get()).isNull();
    }

    private static double std(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        return Math.sqrt(s / v.length);
    }

    private static double rms(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s / a.length);
    }
}
