package org.noiselab.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ImageTrainingDataTest {

    /** Five labelled 1x2x2 images; image i has value (i - 2) / 4 + 0.05 * j at pixel j, except pixel 3, always -1. */
    private static ImageSet five() {
        float[] p = new float[5 * 4];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 3; j++) {
                p[i * 4 + j] = (i - 2) / 4f + 0.05f * j * i;
            }
            p[i * 4 + 3] = -1f;
        }
        return new ImageSet("five", 1, 2, 2, 5, p, new int[] {0, 1, 2, 0, 1}, List.of("a", "b", "c"));
    }

    @Test
    void describesTheSet() {
        ImageTrainingData data = new ImageTrainingData(five());
        assertThat(data.name()).isEqualTo("five");
        assertThat(data.dim()).isEqualTo(4);
        assertThat(data.classCount()).isEqualTo(3);
    }

    @Test
    void drawsAreReproducibleAndCoverTheSetWithTheirLabels() {
        ImageSet set = five();
        ImageTrainingData data = new ImageTrainingData(set);
        int n = 200;
        float[] x1 = new float[n * 4];
        float[] x2 = new float[n * 4];
        int[] l1 = new int[n];
        int[] l2 = new int[n];
        data.draw(n, new SplittableRandom(42), x1, l1);
        data.draw(n, new SplittableRandom(42), x2, l2);
        assertThat(x2).containsExactly(x1);
        assertThat(l2).containsExactly(l1);

        float[] x3 = new float[n * 4];
        data.draw(n, new SplittableRandom(43), x3, null);
        assertThat(x3).isNotEqualTo(x1);

        Set<Integer> seen = new HashSet<>();
        for (int k = 0; k < n; k++) {
            int image = Math.round((x1[k * 4] + 0.5f) * 4);
            seen.add(image);
            float[] expected = set.image(image);
            for (int j = 0; j < 4; j++) {
                assertThat(x1[k * 4 + j]).isEqualTo(expected[j]);
            }
            assertThat(l1[k]).isEqualTo(set.label(image));
        }
        assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
    }

    @Test
    void variancesArePerPixelOverTheSetWithAFloor() {
        ImageSet set = five();
        double[] v = new ImageTrainingData(set).variances();
        assertThat(v).hasSize(4);
        for (int j = 0; j < 4; j++) {
            double mean = 0;
            for (int i = 0; i < 5; i++) {
                mean += set.image(i)[j];
            }
            mean /= 5;
            double var = 0;
            for (int i = 0; i < 5; i++) {
                var += (set.image(i)[j] - mean) * (set.image(i)[j] - mean);
            }
            var /= 5;
            assertThat(v[j]).isCloseTo(Math.max(var, ImageTrainingData.MIN_VARIANCE), within(1e-12));
        }
        assertThat(v[0]).isCloseTo(0.125, within(1e-7));
        assertThat(v[3]).isEqualTo(ImageTrainingData.MIN_VARIANCE);
    }

    @Test
    void labelsFromAnUnlabelledSetAreAnError() {
        ImageSet unlabelled = new ImageSet("u", 1, 1, 1, 2, new float[] {-1, 1}, null, List.of());
        ImageTrainingData data = new ImageTrainingData(unlabelled);
        assertThat(data.classCount()).isZero();
        float[] x = new float[3];
        data.draw(3, new SplittableRandom(1), x, null);
        assertThat(x).containsOnly(-1f, 1f);
        assertThatThrownBy(() -> data.draw(3, new SplittableRandom(1), x, new int[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unlabelled");
        assertThatThrownBy(() -> data.draw(4, new SplittableRandom(1), x, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x[3]");
        assertThatThrownBy(() -> new ImageTrainingData(unlabelled.firstN(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no images");
    }
}
