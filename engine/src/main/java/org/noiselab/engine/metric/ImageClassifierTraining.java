package org.noiselab.engine.metric;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.noiselab.engine.image.ImageSet;
import org.noiselab.engine.io.CheckpointFormatException;
import org.noiselab.engine.io.Safetensors;
import org.noiselab.engine.io.Tensor;
import org.noiselab.engine.model.layer.ParameterLayout;
import org.noiselab.engine.optim.AdamW;
import org.noiselab.engine.optim.AdamWSpec;

/**
 * Trains an {@link ImageClassifier} with AdamW on labelled images, measures its accuracy, and stores it as a
 * safetensors file whose metadata names the image shape and classes.
 */
public final class ImageClassifierTraining {

    private static final String KIND = "noiselab-image-classifier";

    private ImageClassifierTraining() {
    }

    /**
     * Trains on a labelled set: {@code steps} AdamW steps (learning rate 2e-3, cosine decay to 5%) of {@code batch}
     * images drawn with replacement.
     *
     * @param progress called with the step number after each step (may be a no-op)
     */
    public static ImageClassifier train(ImageSet set, int steps, int batch, long seed, IntConsumer progress) {
        if (!set.labelled()) {
            throw new IllegalArgumentException("image set '" + set.name() + "' has no labels to learn");
        }
        ImageClassifier c = ImageClassifier.initialise(set.channels(), set.height(), set.width(), set.classCount(),
                seed);
        AdamW optimizer = new AdamW(AdamWSpec.DEFAULT, c.parameters().length);
        SplittableRandom rng = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        float[] x = new float[batch * set.dim()];
        int[] labels = new int[batch];
        for (int step = 1; step <= steps; step++) {
            for (int i = 0; i < batch; i++) {
                int k = rng.nextInt(set.count());
                set.copyImage(k, x, i * set.dim());
                labels[i] = set.label(k);
            }
            double loss = c.lossAndGradient(x, labels, batch);
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException("classifier training diverged at step " + step + " (loss " + loss
                        + ")");
            }
            double progressFraction = (double) step / steps;
            double rate = 2e-3 * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * progressFraction)));
            optimizer.step(c.parameters(), c.gradients(), rate);
            progress.accept(step);
        }
        return c;
    }

    /** Share of a labelled set's images the classifier assigns to their own class. */
    public static double accuracy(ImageClassifier c, ImageSet set) {
        int[] predicted = c.predict(set.pixels(), set.count());
        int right = 0;
        for (int i = 0; i < set.count(); i++) {
            right += predicted[i] == set.label(i) ? 1 : 0;
        }
        return (double) right / set.count();
    }

    /** Writes the classifier atomically, with free-form notes (what it was trained on, its accuracy) as metadata. */
    public static void save(ImageClassifier c, Map<String, String> notes, Path file) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (ParameterLayout.Slice s : c.layout().slices()) {
            long[] shape = java.util.Arrays.stream(s.shape()).asLongStream().toArray();
            tensors.put(s.name(), new Tensor(shape, java.util.Arrays.copyOfRange(c.parameters(), s.offset(),
                    s.offset() + s.size())));
        }
        Map<String, String> meta = new LinkedHashMap<>(notes);
        meta.put("kind", KIND);
        meta.put("channels", Integer.toString(c.channels()));
        meta.put("height", Integer.toString(c.height()));
        meta.put("width", Integer.toString(c.width()));
        meta.put("classes", Integer.toString(c.classes()));
        byte[] bytes = Safetensors.write(tensors, meta);
        org.noiselab.engine.io.AtomicFiles.write(file, out -> out.write(bytes));
    }

    /** Reads a classifier written by {@link #save}; every field and tensor shape is checked. */
    public static ImageClassifier load(byte[] bytes, String source) {
        Safetensors.Contents contents = Safetensors.read(bytes, source);
        Map<String, String> meta = contents.metadata();
        if (!KIND.equals(meta.get("kind"))) {
            throw new CheckpointFormatException(source + ": not an image classifier (metadata kind = "
                    + meta.get("kind") + ")");
        }
        int channels = field(meta, "channels", 1, 4, source);
        int height = field(meta, "height", 4, 1024, source);
        int width = field(meta, "width", 4, 1024, source);
        int classes = field(meta, "classes", 2, 10_000, source);
        ImageClassifier shape;
        try {
            shape = ImageClassifier.initialise(channels, height, width, classes, 0);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(source + ": " + e.getMessage());
        }
        float[] params = shape.parameters();
        for (ParameterLayout.Slice s : shape.layout().slices()) {
            Tensor t = contents.tensors().get(s.name());
            long[] expected = java.util.Arrays.stream(s.shape()).asLongStream().toArray();
            if (t == null || !java.util.Arrays.equals(t.shape(), expected)) {
                throw new CheckpointFormatException(source + ": tensor '" + s.name() + "' is "
                        + (t == null ? "missing" : "of shape " + java.util.Arrays.toString(t.shape())) + ", expected "
                        + java.util.Arrays.toString(expected));
            }
            System.arraycopy(t.data(), 0, params, s.offset(), s.size());
        }
        return ImageClassifier.of(channels, height, width, classes, params);
    }

    /** Metadata notes of a stored classifier (for display). */
    public static Map<String, String> notes(byte[] bytes, String source) {
        return Safetensors.read(bytes, source).metadata();
    }

    private static int field(Map<String, String> meta, String key, int lo, int hi, String source) {
        String v = meta.get(key);
        try {
            int i = Integer.parseInt(v);
            if (i < lo || i > hi) {
                throw new NumberFormatException();
            }
            return i;
        } catch (NumberFormatException | NullPointerException e) {
            throw new CheckpointFormatException(source + ": metadata " + key + " = " + v + " is not an integer in "
                    + lo + ".." + hi);
        }
    }
}
