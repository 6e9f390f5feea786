package org.noiselab.app.service;

import java.nio.file.Path;

/** A model the analysis thread can resolve: the current run's weights, a checkpoint file, or a shipped checkpoint. */
public sealed interface ModelRef permits ModelRef.Current, ModelRef.File, ModelRef.Shipped {

    /** A short name for legends. */
    String label();

    /** The current run's weights (or its oracle). */
    record Current(ModelSnapshot snapshot, ModelChoice choice) implements ModelRef {
        @Override
        public String label() {
            return choice == ModelChoice.ORACLE ? "oracle" : snapshot.dataset() + " " + "step " + snapshot.step();
        }
    }

    /** A checkpoint on disk. */
    record File(Path path) implements ModelRef {
        @Override
        public String label() {
            return path.getFileName().toString();
        }
    }

    /** A checkpoint shipped in the assets. */
    record Shipped(DefaultRun.Shipped shipped) implements ModelRef {
        @Override
        public String label() {
            return shipped.label();
        }
    }
}
