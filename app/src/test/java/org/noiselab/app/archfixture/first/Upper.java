package org.noiselab.app.archfixture.first;

import org.noiselab.app.archfixture.second.Lower;

/** Half of a deliberate package cycle: the architecture test shows its cycle rule catches one. */
public final class Upper {

    public Lower lower() {
        return new Lower();
    }
}
