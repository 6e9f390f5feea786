package org.noiselab.engine.model;

/** The closed set of model architectures; each spec rebuilds a model from a flat parameter vector. */
public sealed interface ModelSpec permits MlpSpec, ClassifierSpec, UNetSpec, ConvClassifierSpec {

    /** Dimension of a data point. */
    int dim();

    /** Number of conditioning classes (0 for an unconditional model). */
    int classCount();

    /** Number of scalar parameters. */
    int parameterCount();

    /** Short identifier used in checkpoints. */
    String kind();
}
