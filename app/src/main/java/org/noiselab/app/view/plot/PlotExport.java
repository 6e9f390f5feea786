package org.noiselab.app.view.plot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.SnapshotParameters;
import javafx.scene.image.WritableImage;
import org.noiselab.engine.image.ImageGrid;
import org.noiselab.engine.io.AtomicFiles;

/**
 * Writes plots to PNG files and plot data to CSV files, atomically as the engine writes its files: a directory, device,
 * pipe or read-only file is never replaced, no folder is created, and a failure leaves the old file.
 */
public final class PlotExport {

    private PlotExport() {
    }

    /**
     * Writes a snapshot of {@code node} as a PNG. Must be called on the JavaFX application thread. A
     * {@link PlotCanvas} is brought up to date first, so changes made just before are included.
     */
    public static void writePng(Node node, Path file) throws IOException {
        if (node instanceof PlotCanvas plot) {
            plot.redrawNow();
        }
        AtomicFiles.checkTarget(file);
        WritableImage image = node.snapshot(new SnapshotParameters(), null);
        ImageGrid.writePng(SwingFXUtils.fromFXImage(image, null), file);
    }

    /** Writes a UTF-8 CSV file: the header line, then one line per row with values in shortest round-trip form. */
    public static void writeCsv(Path file, List<String> header, List<double[]> rows) throws IOException {
        AtomicFiles.writeText(file, out -> {
            out.write(String.join(",", header));
            out.write('\n');
            StringBuilder line = new StringBuilder();
            for (double[] row : rows) {
                line.setLength(0);
                for (int i = 0; i < row.length; i++) {
                    if (i > 0) {
                        line.append(',');
                    }
                    line.append(row[i]);
                }
                line.append('\n');
                out.write(line.toString());
            }
        });
    }
}
