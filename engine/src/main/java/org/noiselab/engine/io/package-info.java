/**
 * Files: checkpoints (a zip of a JSON manifest and safetensors tensors, saved atomically and validated on load),
 * safetensors itself, and point tables as CSV. Nothing here uses Java serialization.
 */
@NullMarked
package org.noiselab.engine.io;

import org.jspecify.annotations.NullMarked;
