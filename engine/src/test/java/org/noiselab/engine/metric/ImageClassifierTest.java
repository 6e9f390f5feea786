package org.noiselab.engine.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.engine.image.ImageSet;
import org.noiselab.engine.io.CheckpointFormatException;
import org.noiselab.engine.model.layer.ParameterLayout;
import org.noiselab.engine.testing.GradientCheck;

/** The evaluation classifier: gradient against central differences, learning, and its file. */
class ImageClassifierTest {

    @Test
    void crossEntropyGradientMatchesCentralDifferencesForEveryTensor() {
        ImageClassifier c = ImageClassifier.initialise(2, 8, 8, 3, 1);
        SplittableRandom rng = new SplittableRandom(2);
        float[] theta = c.parameters();
        for (int i = 0; i < theta.length; i++) {
            theta[i] += (float) rng.nextDouble(-0.2, 0.2);
        }
        int n = 5;
        float[] x = new float[n * 2 * 64];
        int[] labels = new int[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble(-1, 1);
        }
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(3);
        }
        c.lossAndGradient(x, labels, n);
        float[] analytic = c.gradients().clone();
        List<String> failures = new ArrayList<>();
        for (ParameterLayout.Slice s : c.layout().slices()) {
            float[] direction = new float[theta.length];
            double along = 0;
            for (int p = s.offset(); p < s.offset() + s.size(); p++) {
                direction[p] = rng.nextBoolean() ? 1f : -1f;
                along += direction[p] * analytic[p];
            }
            double numeric = (4 * difference(c, x, labels, n, direction, 5e-3)
                    - difference(c, x, labels, n, direction, 1e-2)) / 3;
            if (GradientCheck.relativeError(along, numeric) > 1e-2) {
                failures.add(s.name() + ": analytic " + along + " numeric " + numeric);
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void learnsBarsAndSurvivesItsFile(@TempDir Path dir) throws Exception {
        ImageSet bars = bars(200, 5);
        ImageClassifier c = ImageClassifierTraining.train(bars, 150, 32, 3, step -> { });
        ImageSet fresh = bars(100, 6);
        assertThat(ImageClassifierTraining.accuracy(c, fresh)).isGreaterThan(0.97);
        assertThat(ImageClassifierTraining.accuracy(ImageClassifier.initialise(1, 8, 8, 2, 3), fresh))
                .as("untrained").isLessThan(0.8);

        Path file = dir.resolve("bars.safetensors");
        ImageClassifierTraining.save(c, Map.of("trainedOn", "bars"), file);
        byte[] bytes = Files.readAllBytes(file);
        ImageClassifier back = ImageClassifierTraining.load(bytes, "bars.safetensors");
        assertThat(back.parameters()).containsExactly(c.parameters());
        assertThat(ImageClassifierTraining.notes(bytes, "f")).containsEntry("trainedOn", "bars");

        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] wrongKind = text.replace("noiselab-image-classifier", "noiselab-image-classifiex")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> ImageClassifierTraining.load(wrongKind, "x.safetensors"))
                .isInstanceOf(CheckpointFormatException.class).hasMessageContaining("not an image classifier");
        byte[] badClasses = text.replace("\"classes\":\"2\"", "\"classes\":\"9\"")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> ImageClassifierTraining.load(badClasses, "y.safetensors"))
                .isInstanceOf(CheckpointFormatException.class).hasMessageContaining("readout");
    }

    private static double difference(ImageClassifier c, float[] x, int[] labels, int n, float[] direction, double h) {
        return GradientCheck.alongDirection(c.parameters(), direction, h, () -> c.lossAndGradient(x, labels, n));
    }

    /** Noisy 8x8 horizontal (class 0) and vertical (class 1) bars at random positions. */
    static ImageSet bars(int count, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] pixels = new float[count * 64];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % 2;
            int at = rng.nextInt(8);
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    boolean on = (labels[i] == 0 ? y : x) == at;
                    pixels[i * 64 + y * 8 + x] = (on ? 0.8f : -0.8f) + (float) rng.nextDouble(-0.2, 0.2);
                }
            }
        }
        return new ImageSet("bars", 1, 8, 8, count, pixels, labels, List.of("horizontal", "vertical"));
    }
}
