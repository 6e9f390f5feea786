/**
 * Numeric kernels on plain float arrays for small models: a register-blocked Vector API matrix multiply. Kept apart
 * from the model code so that a faster or multi-threaded kernel can replace it behind the same call.
 */
package org.noiselab.engine.kernel;
