/**
 * What training draws from: {@link org.noiselab.engine.data.TrainingData} (a seeded batch of points or images with
 * their labels; the toy mixtures through {@link org.noiselab.engine.data.ToyTrainingData}, images through
 * {@code image.ImageTrainingData}), the {@link org.noiselab.engine.data.TrainingBatch} an objective receives, and the
 * {@link org.noiselab.engine.data.ImageShape} of image data. Data flows into models and objectives, never the other
 * way.
 */
@NullMarked
package org.noiselab.engine.data;

import org.jspecify.annotations.NullMarked;
