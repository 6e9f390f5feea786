package org.noiselab.toys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ToyDatasetsTest {

    static java.util.List<String> names() {
        return ToyDatasets.names();
    }

    @ParameterizedTest
    @MethodSource("names")
    void everyDatasetSamplesDeterministicallyInsideItsView(String name) {
        ToyDataset d = ToyDatasets.byName(name);
        LabelledPoints a = d.sample(500, 42);
        LabelledPoints b = d.sample(500, 42);
        assertThat(a.points()).containsExactly(b.points());
        assertThat(a.labels()).containsExactly(b.labels());
        double[] view = d.viewBounds();
        int inside = 0;
        for (int i = 0; i < a.n(); i++) {
            boolean in = true;
            for (int j = 0; j < d.dim(); j++) {
                double v = a.points()[i * d.dim() + j];
                in &= v >= view[2 * j] && v <= view[2 * j + 1];
            }
            inside += in ? 1 : 0;
        }
        assertThat(inside).isGreaterThan(490);
    }

    @Test
    void theDatasaurusClassesAreNamedAsTheShapesOwnDatasets() {
        ToyDataset all = ToyDatasets.byName("datasaurus");
        for (int c = 0; c < all.classNames().size(); c++) {
            String name = all.classNames().get(c);
            assertThat(ToyDatasets.exists(name)).as("class %d '%s' is a dataset's name", c, name).isTrue();
            assertThat(ToyDatasets.byName(name).description()).contains("'" + Datasaurus.SHAPES.get(c) + "'");
        }
        assertThat(all.classNames()).contains("h-lines", "x-shape", "slant-down").doesNotContain("h_lines");
    }

    @Test
    void catalogueHasEveryToyOfTheDesign() {
        assertThat(ToyDatasets.names()).contains("gauss1d-two-mode", "dino", "away", "h-lines", "v-lines", "x-shape",
                "star", "high-lines", "dots", "circle", "bullseye", "slant-up", "slant-down", "wide-lines",
                "eight-gaussians", "twenty-five-gaussians", "two-moons", "checkerboard", "swiss-roll", "three-class",
                "datasaurus");
    }

    @Test
    void dinoIsTheStandardisedJitteredTable() {
        double[][] raw = Datasaurus.rawPoints("dino");
        assertThat(raw).hasNumberOfRows(142);
        double sum = 0;
        double min = Double.MAX_VALUE;
        for (double[] p : raw) {
            sum += p[0];
            min = Math.min(min, p[0]);
        }
        assertThat(sum / 142).isCloseTo(54.26, within(0.01));
        assertThat(min).isCloseTo(22.31, within(0.01));

        GaussianMixture dino = ToyDatasets.byName("dino").mixture();
        assertThat(dino.components()).isEqualTo(142);
        double[] mean = dino.overallMean();
        double[] var = dino.overallVariance();
        for (int j = 0; j < 2; j++) {
            assertThat(mean[j]).isCloseTo(0, within(1e-12));
            // unit variance of the means plus the (small) jitter variance
            assertThat(var[j]).isCloseTo(1 + dino.variance(0, j), within(1e-9));
        }
        double sdX = Math.sqrt(dino.variance(0, 0));
        assertThat(sdX).isCloseTo(0.15 * 4 / 54 / rawScaledSd(raw, 0, 54), within(1e-12));
    }

    @Test
    void labelledDatasetsExposeClassConditionals() {
        ToyDataset three = ToyDatasets.byName("three-class");
        assertThat(three.classCount()).isEqualTo(3);
        assertThat(three.classPrior(1)).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(three.classMixture(1).components()).isEqualTo(1);
        ToyDataset saurus = ToyDatasets.byName("datasaurus");
        assertThat(saurus.classCount()).isEqualTo(13);
        assertThat(saurus.classMixture(0).components()).isEqualTo(142);
        LabelledPoints p = saurus.sample(1000, 1);
        assertThat(p.labels()).contains(0, 12);
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        assertThatThrownBy(() -> ToyDatasets.byName("dinosaur")).hasMessageContaining("unknown dataset 'dinosaur'")
                .hasMessageContaining("dino");
    }

    private static double rawScaledSd(double[][] raw, int axis, double div) {
        double mean = 0;
        for (double[] p : raw) {
            mean += (p[axis] / div - 1) * 4;
        }
        mean /= raw.length;
        double var = 0;
        for (double[] p : raw) {
            double d = (p[axis] / div - 1) * 4 - mean;
            var += d * d;
        }
        return Math.sqrt(var / raw.length);
    }
}
