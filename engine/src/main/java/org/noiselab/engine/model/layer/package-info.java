/**
 * The layers the networks are built of, each with an explicit backward pass over named slices of one flat parameter
 * vector ({@link org.noiselab.engine.model.layer.ParameterLayout}): dense layers, 3x3 convolutions, group
 * normalisation and residual blocks on NHWC activations, and the pointwise non-linearities
 * ({@link org.noiselab.engine.model.layer.Activation}) with their first and second derivatives. Layers know the
 * kernels below them and nothing of the networks above.
 */
@NullMarked
package org.noiselab.engine.model.layer;

import org.jspecify.annotations.NullMarked;
