package org.noiselab.app.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.noiselab.app.viewmodel.Harness.await;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.app.service.ClassifierMaps;
import org.noiselab.app.service.ClassifierService;
import org.noiselab.app.service.LogitPicture;
import org.noiselab.app.service.ModelChoice;
import org.noiselab.engine.model.ClassifierSpec;

/** The classifier view model on the real services: a denoiser shows the exact side only, a cdm run shows both. */
class ClassifierViewModelTest {

    @TempDir
    Path dir;

    private Harness h;
    private ClassifierViewModel vm;

    @BeforeEach
    void open() throws Exception {
        h = new Harness(dir);
        vm = new ClassifierViewModel(h.lab, new ClassifierService(h.workers, h.ui), h.dialogs);
        h.lab.openDefault().get(30, TimeUnit.SECONDS);
        await(() -> h.lab.modelProperty().get() != null);
    }

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void computesNothingUntilShownThenTheExactSideForADenoiser() {
        assertThat(vm.curvesProperty().get()).isNull();
        vm.activeProperty().set(true);
        await(() -> vm.curvesProperty().get() != null && vm.mapsProperty().get() != null);
        LogitPicture p = vm.curvesProperty().get();
        assertThat(p.model()).isNull();
        assertThat(p.exact()).hasSize(1002);
        assertThat(p.level()).isEqualTo(400);
        assertThat(vm.noteProperty().get()).contains("denoising network").contains("cdm");
        ClassifierMaps m = vm.mapsProperty().get();
        assertThat(m.modelLogDensity()).isNull();
        assertThat(m.confusion()).isNull();
        assertThat(m.exactAccuracy()).isBetween(0.001, 0.5);
        assertThat(m.exactNll()).isBetween(1.9, 2.3);
        // the floor of the single pass, the exact classifier on the same draws, is exact (Theorem 3.2)
        assertThat(m.floorNll()).isCloseTo(m.exactNll(), org.assertj.core.api.Assertions.within(1e-4));

        // the exact classifier peaks near the true level of a point noised there
        vm.levelProperty().set(700);
        await(() -> vm.curvesProperty().get().level() == 700);
        double[] exact = vm.curvesProperty().get().exact();
        int peak = 0;
        for (int u = 0; u < exact.length; u++) {
            peak = exact[u] > exact[peak] ? u : peak;
        }
        assertThat(peak).isBetween(450, 950);

        vm.moveProbe(1e9, 0);
        assertThat(vm.probeProperty().get()[0]).isLessThanOrEqualTo(40f);
    }

    @Test
    void theNoteNamesTheObjectiveOfTheRunNowOpen() {
        vm.activeProperty().set(true);
        await(() -> vm.noteProperty().get().contains("objective ddpm"));
        h.setup.objectiveProperty().set("ddpm+cdl");
        h.setup.widthProperty().set(32);
        h.setup.apply();
        // the lab publishes the new model before the new setup; the note must follow the setup too
        await(() -> "ddpm+cdl".equals(h.lab.setupProperty().get().objective().kind()));
        await(() -> vm.noteProperty().get().contains("objective ddpm+cdl"));
    }

    @Test
    void aCdmRunShowsItsOwnCurvesLikelihoodAndConfusion() throws Exception {
        h.setup.objectiveProperty().set("cdm");
        h.setup.widthProperty().set(32);
        h.setup.stepsProperty().set(50);
        assertThat(h.setup.validProperty().get()).as(h.setup.validationProperty().get()).isTrue();
        h.setup.apply();
        await(() -> h.lab.modelProperty().get() != null && h.lab.modelProperty().get().spec() instanceof ClassifierSpec);
        vm.activeProperty().set(true);
        h.lab.step();
        await(() -> h.lab.stepProperty().get() == 1 && vm.curvesProperty().get() != null
                && vm.curvesProperty().get().model() != null
                && vm.mapsProperty().get() != null && vm.mapsProperty().get().confusion() != null);
        assertThat(vm.noteProperty().get()).isEmpty();
        assertThat(vm.curvesProperty().get().model()).hasSize(1002);
        ClassifierMaps m = vm.mapsProperty().get();
        assertThat(m.modelLogDensity()).hasSameSizeAs(m.exactLogDensity());
        assertThat(m.confusion()).hasSize(ClassifierService.BINS * ClassifierService.BINS);
        double rowSum = 0;
        for (int c = 0; c < ClassifierService.BINS; c++) {
            rowSum += m.confusion()[c];
        }
        assertThat(rowSum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(m.nll()).isFinite();

        // the oracle choice makes the "model" the exact classifier itself
        Harness.onUi(() -> {
            h.lab.modelChoiceProperty().set(ModelChoice.ORACLE);
            return null;
        });
        await(() -> {
            LogitPicture p = vm.curvesProperty().get();
            return p.model() != null && java.util.Arrays.equals(p.model(), p.exact());
        });
        assertThat(h.dialogs.errors).isEmpty();
    }

    @Test
    void aFinishedCdmRunIsLevelCalibratedAsTheCliDoes() throws Exception {
        h.setup.objectiveProperty().set("cdm");
        h.setup.widthProperty().set(16);
        h.setup.timestepsProperty().set(30);
        h.setup.stepsProperty().set(20);
        assertThat(h.setup.validProperty().get()).as(h.setup.validationProperty().get()).isTrue();
        h.setup.apply();
        await(() -> h.lab.totalStepsProperty().get() == 20 && h.lab.stepProperty().get() == 0);
        h.lab.togglePlay();
        await(() -> h.lab.stateProperty().get() == org.noiselab.app.service.RunState.FINISHED
                && h.lab.statusProperty().get().contains("level calibration"));
        assertThat(h.lab.statusProperty().get()).contains("single-pass log-density");
        assertThat(h.dialogs.errors).isEmpty();
    }
}
