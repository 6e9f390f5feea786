package org.noiselab.engine.io;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Lets tests in other packages write manifests with a valid digest. */
public final class CheckpointIOTestAccess {

    private CheckpointIOTestAccess() {
    }

    public static String digest(ObjectNode manifest) {
        return CheckpointIO.manifestDigest(manifest);
    }
}
