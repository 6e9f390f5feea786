package org.noiselab.engine.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.engine.data.ToyTrainingData;
import org.noiselab.engine.image.ImageDatasets;
import org.noiselab.engine.image.ImageSet;
import org.noiselab.engine.image.ImageTrainingData;
import org.noiselab.engine.image.PngFolder;
import org.noiselab.engine.io.Tensor;
import org.noiselab.engine.testing.TorchTwin;
import org.noiselab.toys.ToyDatasets;

/**
 * The twin trains on what the engine trains on: the same pixels (bit for bit) from the shipped MNIST subset and from
 * a folder of 8-bit grey, RGB and RGBA PNGs read as one and as three channels, the same labels, and the same
 * per-coordinate variances (which the objectives use) for images and for every toy.
 */
class DataTwinParityTest {

    @TempDir
    static Path dir;
    static TorchTwin twin;

    @BeforeAll
    static void readEverythingInTheTwin() throws Exception {
        twin = new TorchTwin(dir);
        SplittableRandom rng = new SplittableRandom(7);
        for (String cls : new String[] {"cats", "dogs"}) {
            Files.createDirectories(dir.resolve("pngs").resolve(cls));
            for (int i = 0; i < 3; i++) {
                int type = new int[] {BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_3BYTE_BGR,
                        BufferedImage.TYPE_4BYTE_ABGR}[i];
                BufferedImage image = new BufferedImage(9, 6, type);
                for (int y = 0; y < 6; y++) {
                    for (int x = 0; x < 9; x++) {
                        image.setRGB(x, y, 0xff000000 | rng.nextInt(1 << 24));
                    }
                }
                ImageIO.write(image, "png", dir.resolve("pngs").resolve(cls).resolve("i" + i + ".png").toFile());
            }
        }
        twin.add("mnist", "data.dataset", Map.of("dataset", "mnist"));
        twin.add("png1", "data.dataset", Map.of("dataset", "png", "data", "pngs", "channels", 1));
        twin.add("png3", "data.dataset", Map.of("dataset", "png", "data", "pngs", "channels", 3));
        for (String toy : ToyDatasets.names()) {
            twin.add("toy-" + toy, "data.dataset", Map.of("dataset", toy));
        }
        twin.run();
    }

    @Test
    void theShippedMnistIsTheSamePixelsLabelsAndVariances() throws Exception {
        same(ImageDatasets.shippedMnist(), twin.outputs("mnist"));
    }

    @Test
    void aPngFolderIsTheSamePixelsInOneAndThreeChannels() throws Exception {
        same(PngFolder.read(dir.resolve("pngs"), 1), twin.outputs("png1"));
        same(PngFolder.read(dir.resolve("pngs"), 3), twin.outputs("png3"));
    }

    @Test
    void everyToyHasTheSameExactVariances() throws Exception {
        for (String toy : ToyDatasets.names()) {
            double[] expected = new ToyTrainingData(ToyDatasets.byName(toy)).variances();
            float[] got = twin.outputs("toy-" + toy).get("variances").data();
            for (int j = 0; j < expected.length; j++) {
                // both exact in float64; the twin hands them over as float32
                assertThat((double) got[j]).as(toy).isCloseTo(expected[j], within(1e-6 * Math.abs(expected[j])));
            }
        }
    }

    private static void same(ImageSet set, Map<String, Tensor> twinSide) {
        float[] shape = twinSide.get("shape").data();
        assertThat(shape).containsExactly(set.count(), set.channels(), set.height(), set.width());
        float[] pixels = set.pixels();
        float[] twinPixels = twinSide.get("pixels").data();
        assertThat(twinPixels).hasSameSizeAs(pixels);
        for (int i = 0; i < pixels.length; i++) {
            if (twinPixels[i] != pixels[i]) {
                throw new AssertionError(set.name() + ": pixel value " + i + " is " + twinPixels[i] + " in the twin, "
                        + pixels[i] + " in the engine");
            }
        }
        int[] labels = set.labels();
        float[] twinLabels = twinSide.get("labels").data();
        for (int i = 0; i < set.count(); i++) {
            assertThat((int) twinLabels[i]).isEqualTo(labels[i]);
        }
        double[] variances = new ImageTrainingData(set).variances();
        float[] got = twinSide.get("variances").data();
        for (int j = 0; j < variances.length; j++) {
            // per-pixel variances summed in a different order, handed over as float32
            assertThat((double) got[j]).isCloseTo(variances[j], within(1e-6 * variances[j] + 1e-9));
        }
    }
}
