package org.noiselab.engine.data;

/**
 * The shape of the images a model works on; data points are such images flattened channel-major.
 *
 * @param channels image channels
 * @param height   rows
 * @param width    columns
 */
public record ImageShape(int channels, int height, int width) {

    /** Values per image. */
    public int dim() {
        return channels * height * width;
    }

    /** {@code channels x height x width}, as in "1x28x28". */
    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
