package org.noiselab.app.view;

import java.util.List;
import javafx.scene.Node;

/** A view whose picture can be written as PNG and whose data as CSV. */
public interface ExportableView {

    /** A short file-name stem, e.g. "score-error". */
    String exportName();

    /** The node to snapshot. */
    Node exportNode();

    /** CSV column names. */
    List<String> csvHeader();

    /** CSV rows of the data currently shown. */
    List<double[]> csvRows();
}
