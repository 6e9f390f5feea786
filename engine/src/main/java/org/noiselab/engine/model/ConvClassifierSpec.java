package org.noiselab.engine.model;

import org.noiselab.engine.InvalidConfigException;

/**
 * The image noise-level classifier of a classification diffusion model (CDM; Yadin, Elata and Michaeli 2024): the
 * encoder half of the {@link UNetSpec} U-Net without any noise-level input (a residual block per resolution, 2x2
 * average pooling between them, one more block at the lowest resolution), then the paper's head: group norm, SiLU,
 * a 3x3 convolution to twice the channels, global average pooling, and a linear read-out of {@code levels = T + 2}
 * raw values whose fixed cumulative sum gives the logits {@code f_t}. A conditional classifier adds a learned class
 * vector (null class included) to every block, as the U-Net adds its embedding.
 *
 * @param channels     image channels
 * @param height       image height, divisible by {@code 2^(resolutions - 1)}
 * @param width        image width, likewise
 * @param baseChannels feature maps at full resolution (a multiple of {@value UNetSpec#GROUPS}); twice that below
 * @param resolutions  encoder resolutions
 * @param levels       noise levels {@code T + 2}
 * @param classCount   conditioning classes, 0 for unconditional
 */
public record ConvClassifierSpec(int channels, int height, int width, int baseChannels, int resolutions, int levels,
                                 int classCount) implements ModelSpec {

    public ConvClassifierSpec {
        // the encoder shares the U-Net's constraints
        new UNetSpec(channels, height, width, baseChannels, resolutions, Math.min(classCount, 1000));
        DenseShape.check("levels", levels, 3, 100_002);
        if (classCount > 1000) {
            throw new InvalidConfigException("classCount", classCount, "must lie in 0..1000");
        }
    }

    /** 32 base channels and as many resolutions (up to 3) as the image size allows, for a schedule of T steps. */
    public static ConvClassifierSpec defaults(int channels, int height, int width, int steps) {
        UNetSpec u = UNetSpec.defaults(channels, height, width);
        return new ConvClassifierSpec(channels, height, width, u.baseChannels(), u.levels(), steps + 2, 0);
    }

    public ConvClassifierSpec withBaseChannels(int base) {
        return new ConvClassifierSpec(channels, height, width, base, resolutions, levels, classCount);
    }

    public ConvClassifierSpec withClassCount(int classes) {
        return new ConvClassifierSpec(channels, height, width, baseChannels, resolutions, levels, classes);
    }

    /** Feature maps at resolution {@code r} (0 = full). */
    public int channelsAt(int r) {
        return r == 0 ? baseChannels : 2 * baseChannels;
    }

    /** Width of the (class) embedding every block receives. */
    public int embeddingWidth() {
        return 4 * baseChannels;
    }

    @Override
    public int dim() {
        return channels * height * width;
    }

    @Override
    public int parameterCount() {
        return ConvNoiseClassifier.layoutOf(this).size();
    }

    @Override
    public String kind() {
        return "classifier-unet";
    }
}
