package org.noiselab.engine.model;

import org.noiselab.engine.InvalidConfigException;

/**
 * The image denoiser architecture: a small U-Net (Ronneberger et al. 2015, as adapted by Ho et al. 2020) on
 * {@code channels x height x width} images. {@code levels} resolutions, halving each time by 2x2 average pooling;
 * {@code baseChannels} feature maps at full resolution and twice that below; one residual block per level on the way
 * down, one in the middle, one per level on the way up (after concatenating the skip connection); group norm with
 * {@value #GROUPS} groups. The noise level enters as sinusoidal features of the log-SNR through a two-layer MLP of
 * width {@code 4 baseChannels}, added per channel in every block; a conditional model adds a learned class vector (a
 * null class for classifier-free guidance) to that embedding.
 *
 * <p>Data points are images flattened channel-major ({@code (c, y, x)} row-major), values in [-1, 1].
 *
 * @param channels     image channels (1 grey, 3 RGB)
 * @param height       image height, divisible by {@code 2^(levels - 1)}
 * @param width        image width, divisible by {@code 2^(levels - 1)}
 * @param baseChannels feature maps at full resolution (a multiple of {@value #GROUPS})
 * @param levels       resolutions
 * @param classCount   conditioning classes, 0 for unconditional
 */
public record UNetSpec(int channels, int height, int width, int baseChannels, int levels, int classCount)
        implements ModelSpec {

    /** Groups of every group norm. */
    public static final int GROUPS = 8;
    /** Log-SNR frequencies (each gives a sine and a cosine). */
    public static final int NOISE_FREQUENCIES = 16;

    public UNetSpec {
        DenseShape.check("channels", channels, 1, 4);
        DenseShape.check("levels", levels, 1, 4);
        DenseShape.check("height", height, 2, 256);
        DenseShape.check("width", width, 2, 256);
        DenseShape.check("baseChannels", baseChannels, GROUPS, 256);
        DenseShape.check("classCount", classCount, 0, 1000);
        int factor = 1 << (levels - 1);
        if (height % factor != 0 || width % factor != 0) {
            throw new InvalidConfigException("levels", levels, "a " + height + "x" + width + " image cannot be halved "
                    + (levels - 1) + " times (height and width must be multiples of " + factor + ")");
        }
        if (baseChannels % GROUPS != 0) {
            throw new InvalidConfigException("baseChannels", baseChannels, "must be a multiple of " + GROUPS);
        }
    }

    /** The defaults for an image shape: 32 base channels, 3 levels (as many as the size allows). */
    public static UNetSpec defaults(int channels, int height, int width) {
        int levels = 3;
        while (levels > 1 && (height % (1 << (levels - 1)) != 0 || width % (1 << (levels - 1)) != 0)) {
            levels--;
        }
        return new UNetSpec(channels, height, width, 32, levels, 0);
    }

    public UNetSpec withBaseChannels(int base) {
        return new UNetSpec(channels, height, width, base, levels, classCount);
    }

    public UNetSpec withClassCount(int classes) {
        return new UNetSpec(channels, height, width, baseChannels, levels, classes);
    }

    /** Feature maps at resolution level {@code l} (0 = full resolution). */
    public int channelsAt(int level) {
        return level == 0 ? baseChannels : 2 * baseChannels;
    }

    /** Width of the noise-level embedding. */
    public int embeddingWidth() {
        return 4 * baseChannels;
    }

    @Override
    public int dim() {
        return channels * height * width;
    }

    @Override
    public int parameterCount() {
        return UNetDenoiser.layoutOf(this).size();
    }

    @Override
    public String kind() {
        return "unet";
    }
}
