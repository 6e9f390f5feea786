package org.noiselab.app.view.plot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotExportTest {

    @TempDir
    Path dir;

    @Test
    void csvIsWrittenWholeAndNeverOntoAFolderAReadOnlyFileOrAMissingFolder() throws IOException {
        Path csv = dir.resolve("plot.csv");
        PlotExport.writeCsv(csv, List.of("x", "y"), List.of(new double[] {0.5, -1}, new double[] {2, 1e-7}));
        assertThat(Files.readString(csv)).isEqualTo("x,y\n0.5,-1.0\n2.0,1.0E-7\n");
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).containsExactly(csv);
        }

        Path folder = Files.createDirectory(dir.resolve("folder.csv"));
        assertThatThrownBy(() -> PlotExport.writeCsv(folder, List.of("x"), List.of()))
                .hasMessageContaining("not a regular file");
        assertThat(folder).isEmptyDirectory();

        Path readOnly = Files.writeString(dir.resolve("kept.csv"), "keep me");
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r--r--r--"));
        assertThatThrownBy(() -> PlotExport.writeCsv(readOnly, List.of("x"), List.of()))
                .hasMessageContaining("read-only");
        assertThat(Files.readString(readOnly)).isEqualTo("keep me");

        Path missing = dir.resolve("missing").resolve("plot.csv");
        assertThatThrownBy(() -> PlotExport.writeCsv(missing, List.of("x"), List.of()))
                .hasMessageContaining("does not exist");
        assertThat(dir.resolve("missing")).doesNotExist();
    }
}
