package org.noiselab.app.viewmodel;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import org.noiselab.app.service.DefaultRun;
import org.noiselab.app.service.DialogService;
import org.noiselab.app.service.ImageModelService;

/**
 * The image workspace: a sample grid of an image model (a class and a guidance weight for conditional models), the
 * reverse process of the first sample as a filmstrip, and a test image noised to a chosen step next to the model's
 * clean-image estimate and the image's likelihood. Every change re-computes from the same seeds, newest request
 * winning, so a slider moves the same images.
 */
@Singleton
public final class ImagesViewModel {

    /** "No class" in {@link #labelProperty()}. */
    public static final int ANY_CLASS = -1;
    /** Largest guidance weight on the slider. */
    public static final double MAX_GUIDANCE = 10;
    /** Images in the grid. */
    public static final int GRID = 16;
    /** Frames of the reverse process. */
    public static final int FRAMES = 11;

    private final ReadOnlyObjectWrapper<ImageModelService.Info> info = new ReadOnlyObjectWrapper<>(this, "info");
    private final ReadOnlyObjectWrapper<ImageModelService.Info> comparison =
            new ReadOnlyObjectWrapper<>(this, "comparison");
    private final IntegerProperty label = new SimpleIntegerProperty(this, "label", ANY_CLASS);
    private final DoubleProperty guidance = new SimpleDoubleProperty(this, "guidance", 0);
    private final IntegerProperty steps = new SimpleIntegerProperty(this, "steps", 20);
    private final LongProperty seed = new SimpleLongProperty(this, "seed", 0);
    private final IntegerProperty testIndex = new SimpleIntegerProperty(this, "testIndex", 0);
    private final IntegerProperty noiseStep = new SimpleIntegerProperty(this, "noiseStep", 300);
    private final BooleanProperty showing = new SimpleBooleanProperty(this, "showing");
    private final ReadOnlyObjectWrapper<ImageModelService.Images> grid = new ReadOnlyObjectWrapper<>(this, "grid");
    private final ReadOnlyObjectWrapper<List<float[]>> frames = new ReadOnlyObjectWrapper<>(this, "frames");
    private final ReadOnlyObjectWrapper<ImageModelService.Denoising> denoising =
            new ReadOnlyObjectWrapper<>(this, "denoising");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "");

    private final ImageModelService images;
    private final DialogService dialogs;
    private final LatestOnly sampling = new LatestOnly();
    private final LatestOnly denoiser = new LatestOnly();

    @Inject
    public ImagesViewModel(ImageModelService images, DialogService dialogs) {
        this.images = images;
        this.dialogs = dialogs;
        label.addListener((o, a, b) -> {
            ImageModelService.Info i = info.get();
            if (b.intValue() < ANY_CLASS || i == null || b.intValue() >= i.classCount()) {
                label.set(ANY_CLASS);
                return;
            }
            resample();
        });
        guidance.addListener((o, a, b) -> {
            if (!(b.doubleValue() >= 0 && b.doubleValue() <= MAX_GUIDANCE)) {
                guidance.set(Math.max(0, Math.min(MAX_GUIDANCE, Double.isNaN(b.doubleValue()) ? 0 : b.doubleValue())));
                return;
            }
            if (label.get() != ANY_CLASS) {
                resample();
            }
        });
        steps.addListener((o, a, b) -> resample());
        seed.addListener((o, a, b) -> resample());
        testIndex.addListener((o, a, b) -> denoise());
        noiseStep.addListener((o, a, b) -> denoise());
        showing.addListener((o, a, b) -> {
            if (b && info.get() == null) {
                openShipped();
            }
        });
    }

    /** Opens the shipped conditional MNIST DDPM, and the shipped MNIST CDM beside it to compare denoising with. */
    public CompletableFuture<?> openShipped() {
        return opened(images.openShipped(DefaultRun.MNIST_CONDITIONAL, "MNIST, 10 classes (conditional DDPM)"))
                .thenCompose(i -> comparedWith(images.openShippedComparison(DefaultRun.MNIST_CDM,
                        "MNIST CDM (3000 steps)")));
    }

    /** Opens a second image model of the same image size; the denoising panel then shows both models' estimates. */
    public CompletableFuture<?> openComparison(Path file) {
        return comparedWith(images.openComparison(file));
    }

    /** Closes the comparison model. */
    public CompletableFuture<?> closeComparison() {
        return images.closeComparison().thenRun(() -> {
            comparison.set(null);
            denoise();
        });
    }

    private CompletableFuture<?> comparedWith(CompletableFuture<ImageModelService.Info> loading) {
        return loading.whenComplete((i, e) -> {
            if (e != null) {
                Throwable cause = Failures.cause(e);
                dialogs.showError("Could not open the comparison model: " + cause.getMessage(), cause);
                return;
            }
            comparison.set(i);
            denoise();
        });
    }

    /** Opens an image checkpoint. */
    public CompletableFuture<?> open(Path file) {
        return opened(images.open(file));
    }

    private CompletableFuture<?> opened(CompletableFuture<ImageModelService.Info> loading) {
        busy.set(true);
        summary.set("loading the image model...");
        return loading.whenComplete((i, e) -> {
            busy.set(false);
            if (e != null) {
                summary.set("");
                Throwable cause = Failures.cause(e);
                dialogs.showError("Could not open the image model: " + cause.getMessage(), cause);
                return;
            }
            info.set(i);
            if (!images.hasComparison()) {
                comparison.set(null);
            }
            if (label.get() >= i.classCount()) {
                label.set(ANY_CLASS);
            }
            testIndex.set(Math.min(testIndex.get(), Math.max(0, i.testImages() - 1)));
            noiseStep.set(Math.min(noiseStep.get(), i.steps()));
            resample();
            denoise();
        });
    }

    /** Re-draws the grid and the filmstrip with the current settings (newest request wins). */
    public void resample() {
        if (info.get() == null) {
            return;
        }
        int c = label.get();
        double w = c == ANY_CLASS ? 0 : guidance.get();
        int k = Math.max(1, Math.min(steps.get(), info.get().steps()));
        long s = seed.get();
        sampling.submit(() -> images.sample(GRID, s, c, w, k).thenCompose(g -> {
            grid.set(g);
            summary.set(String.format("%d samples, DDIM %d steps%s: %d ms", GRID, k,
                    c == ANY_CLASS ? "" : String.format(", class %d, w = %.1f", c, w), g.millis()));
            return images.reverseProcess(s, c, w, k, FRAMES).thenAccept(frames::set);
        }), e -> dialogs.notify("sampling failed: " + e.getMessage()), busy);
    }

    /** Re-computes the test image's noising and denoising (newest request wins). */
    public void denoise() {
        ImageModelService.Info i = info.get();
        if (i == null || i.testImages() == 0) {
            return;
        }
        int index = Math.max(0, Math.min(testIndex.get(), i.testImages() - 1));
        int t = Math.max(1, Math.min(noiseStep.get(), i.steps()));
        denoiser.submit(() -> images.denoise(index, t, seed.get() + 7919).thenAccept(denoising::set),
                e -> dialogs.notify("denoising failed: " + e.getMessage()), null);
    }

    /** One request in flight; while it runs, later requests collapse into one that runs after it with fresh values. */
    private static final class LatestOnly {
        private boolean running;
        private Supplier<CompletableFuture<?>> pending;

        synchronized void submit(Supplier<CompletableFuture<?>> job, java.util.function.Consumer<Throwable> onError,
                    ReadOnlyBooleanWrapper busy) {
            if (running) {
                pending = job;
                return;
            }
            running = true;
            if (busy != null) {
                busy.set(true);
            }
            job.get().whenComplete((r, e) -> {
                if (e != null) {
                    onError.accept(Failures.cause(e));
                }
                finished(onError, busy);
            });
        }

        private synchronized void finished(java.util.function.Consumer<Throwable> onError,
                                           ReadOnlyBooleanWrapper busy) {
            running = false;
            Supplier<CompletableFuture<?>> next = pending;
            pending = null;
            if (next != null) {
                submit(next, onError, busy);
            } else if (busy != null) {
                busy.set(false);
            }
        }
    }

    public ReadOnlyObjectProperty<ImageModelService.Info> infoProperty() {
        return info.getReadOnlyProperty();
    }

    /** The comparison model, or null. */
    public ReadOnlyObjectProperty<ImageModelService.Info> comparisonProperty() {
        return comparison.getReadOnlyProperty();
    }

    public IntegerProperty labelProperty() {
        return label;
    }

    public DoubleProperty guidanceProperty() {
        return guidance;
    }

    public IntegerProperty stepsProperty() {
        return steps;
    }

    public LongProperty seedProperty() {
        return seed;
    }

    public IntegerProperty testIndexProperty() {
        return testIndex;
    }

    public IntegerProperty noiseStepProperty() {
        return noiseStep;
    }

    /** Set by the view while the workspace is visible; the first time opens the shipped model. */
    public BooleanProperty showingProperty() {
        return showing;
    }

    public ReadOnlyObjectProperty<ImageModelService.Images> gridProperty() {
        return grid.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<List<float[]>> framesProperty() {
        return frames.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ImageModelService.Denoising> denoisingProperty() {
        return denoising.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }
}
