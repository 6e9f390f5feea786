/**
 * Numeric kernels on plain float arrays: the register-blocked Vector API matrix multiply, vector maths, the 3x3
 * same-padded convolution (the project's own Vector API kernel, and ND4J's behind the same
 * {@link org.noiselab.engine.kernel.ConvolutionKernel} contract), and the pool that splits one kernel call over
 * {@link org.noiselab.engine.kernel.Parallelism#threads()} threads. Kept apart from the models so that a faster kernel
 * can replace one behind the same call.
 */
package org.noiselab.engine.kernel;
