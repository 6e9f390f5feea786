package org.noiselab.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private Path touch(String name) throws IOException {
        return Files.writeString(dir.resolve(name), "partial");
    }

    @Test
    void theStartOfAWriteRemovesTheTemporariesOfKilledWritersOfThatFileOnly() throws IOException {
        Path target = dir.resolve("out.nlab");
        long me = ProcessHandle.current().pid();
        // above Linux's largest process id (2^22), so no process has it
        touch(".out.nlab.999999999.1a.tmp");
        touch(".out.nlab." + me + ".1b.tmp");
        Path oldUnnamed = touch(".out.nlab.1c.tmp");
        Files.setLastModifiedTime(oldUnnamed, FileTime.from(Instant.now().minusSeconds(7200)));
        touch(".out.nlab.1d.tmp");
        touch(".other.nlab.999999999.1e.tmp");
        touch(".out.nlab.999999999.1f.part");
        Files.createDirectory(dir.resolve(".out.nlab.999999999.20.tmp"));

        AtomicFiles.checkTarget(target);

        assertThat(names()).containsExactlyInAnyOrder(".other.nlab.999999999.1e.tmp", ".out.nlab." + me + ".1b.tmp",
                ".out.nlab.1d.tmp", ".out.nlab.999999999.1f.part", ".out.nlab.999999999.20.tmp");
    }

    @Test
    void aWriteLeavesOnlyItsTargetAndRemovesAbandonedTemporaries() throws IOException {
        Path target = dir.resolve("out.csv");
        touch(".out.csv.999999999.1a.tmp");
        AtomicFiles.writeText(target, w -> w.write("x,y\n"));
        assertThat(names()).containsExactly("out.csv");
        assertThat(Files.readString(target)).isEqualTo("x,y\n");
    }

    @Test
    void aFullDiskNamesTheFileAndLeavesTheOldOneWhole() throws IOException {
        Path target = Files.writeString(dir.resolve("model.nlab"), "the old checkpoint");
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write(new byte[4096]);
            // what the file system says when it is full
            throw new IOException("No space left on device");
        })).isInstanceOf(IOException.class).hasMessage(target + ": not written (No space left on device)");
        assertThat(Files.readString(target, StandardCharsets.UTF_8)).isEqualTo("the old checkpoint");
        assertThat(names()).containsExactly("model.nlab");
    }
}
