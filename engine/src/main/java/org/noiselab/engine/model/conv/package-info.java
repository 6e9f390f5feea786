/**
 * Building blocks of convolutional models for images (the U-Net denoiser and the CDM's convolutional classifier):
 * layers on NHWC activations with explicit backward passes, parameters as named slices of one flat vector.
 */
package org.noiselab.engine.model.conv;
