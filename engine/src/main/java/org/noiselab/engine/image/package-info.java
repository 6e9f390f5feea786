/**
 * Image datasets for diffusion training: MNIST (IDX), CIFAR-10 (binary batches) and folders of PNG files, read with
 * the JDK alone into an immutable {@link org.noiselab.engine.image.ImageSet} of pixels in [-1, 1], NCHW. Malformed
 * files fail with a {@link org.noiselab.engine.io.FileFormatException} naming the file and the problem; grids of
 * images render to PNG.
 */
@NullMarked
package org.noiselab.engine.image;

import org.jspecify.annotations.NullMarked;
