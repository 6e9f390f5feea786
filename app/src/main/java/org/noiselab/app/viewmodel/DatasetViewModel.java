package org.noiselab.app.viewmodel;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import org.noiselab.app.service.AnalysisService;
import org.noiselab.toys.ToyDataset;
import org.noiselab.toys.ToyDatasets;

/**
 * The dataset view: the chosen toy's exact density (a curve in 1D, a heatmap in 2D) with a seeded sample of points.
 * Follows the dataset selected in the control column, before any run is started on it.
 */
@Singleton
public final class DatasetViewModel {

    /** What the view draws. */
    public record DatasetPicture(ToyDataset dataset, float[] points, int n, double[][] curve, GridImage plane) {
    }

    // ---- Properties
    private final IntegerProperty sampleCount = new SimpleIntegerProperty(this, "sampleCount", 2000);
    private final LongProperty seed = new SimpleLongProperty(this, "seed", 0);
    private final ReadOnlyObjectWrapper<DatasetPicture> picture = new ReadOnlyObjectWrapper<>(this, "picture");

    private final SetupViewModel setup;
    private final AnalysisService analysis;
    private long generation;

    @Inject
    public DatasetViewModel(SetupViewModel setup, AnalysisService analysis) {
        this.setup = setup;
        this.analysis = analysis;
        setup.datasetProperty().addListener((o, a, b) -> refresh());
        sampleCount.addListener((o, a, b) -> refresh());
        seed.addListener((o, a, b) -> refresh());
    }

    public IntegerProperty sampleCountProperty() {
        return sampleCount;
    }

    public LongProperty seedProperty() {
        return seed;
    }

    public ReadOnlyObjectProperty<DatasetPicture> pictureProperty() {
        return picture.getReadOnlyProperty();
    }

    // ---- Commands

    /** Recomputes density and samples (off the UI thread). */
    public void refresh() {
        String name = setup.datasetProperty().get();
        if (!ToyDatasets.exists(name)) {
            return;
        }
        int n = Math.max(1, Math.min(100_000, sampleCount.get()));
        long s = seed.get();
        long id = ++generation;
        analysis.compute(() -> draw(ToyDatasets.byName(name), n, s)).thenAccept(p -> {
            if (id == generation) {
                picture.set(p);
            }
        });
    }

    /** Draws a new seed and refreshes. */
    public void reseed() {
        seed.set(seed.get() + 1);
    }

    static DatasetPicture draw(ToyDataset d, int n, long seed) {
        float[] points = d.sample(n, seed).pointsAsFloats();
        double[] v = d.viewBounds();
        if (d.dim() == 1) {
            return new DatasetPicture(d, points, n, Densities.curve(d.mixture(), 1.0, v[0], v[1], 400), null);
        }
        return new DatasetPicture(d, points, n, null, Densities.plane(d.mixture(), 1.0, v, 160, 160));
    }
}
