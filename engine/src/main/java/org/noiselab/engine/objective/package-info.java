/** Training objectives: each draws its noise, runs the model forward and backward, and returns the batch loss. */
@NullMarked
package org.noiselab.engine.objective;

import org.jspecify.annotations.NullMarked;
