package org.noiselab.engine.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.engine.cli.NoiseLabCli;

/**
 * A real full disk: a 64 KiB tmpfs, too small for a checkpoint, mounted for the test. Mounting needs root with the
 * right to mount (as on the development and CI machines); where it is refused the test says so and is reported as
 * skipped, with the reason.
 */
class DiskFullIT {

    @TempDir
    Path dir;

    private static int exec(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(
                ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    @Test
    void aSaveOntoAFullDiskNamesTheFileExitsTwoAndLeavesTheOldCheckpointWhole() throws Exception {
        Path mount = Files.createDirectory(dir.resolve("small-disk"));
        int mounted = exec("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount.toString());
        if (mounted != 0) {
            System.out.println("DiskFullIT: not run: mounting a 64 KiB tmpfs was refused (exit " + mounted
                    + "); it needs root with the right to mount");
        }
        Assumptions.assumeTrue(mounted == 0, "mounting a 64 KiB tmpfs was refused (needs root with the right to mount)");
        try {
            Path target = Files.writeString(mount.resolve("model.nlab"), "the old checkpoint");
            java.io.StringWriter out = new java.io.StringWriter();
            java.io.StringWriter err = new java.io.StringWriter();
            int code = NoiseLabCli.run(new String[] {"train", "--dataset", "dino", "--steps", "5", "--eval-samples",
                "0", "--out", target.toString()}, new java.io.PrintWriter(out, true), new java.io.PrintWriter(err,
                        true));
            assertThat(code).as(err.toString()).isEqualTo(NoiseLabCli.EXIT_BAD_INPUT);
            assertThat(err.toString().strip().lines().toList()).hasSize(1).first().asString()
                    .contains(target + ": not written").contains("No space left on device");
            assertThat(Files.readString(target)).isEqualTo("the old checkpoint");
            try (var files = Files.list(mount)) {
                assertThat(files.map(f -> f.getFileName().toString()).toList()).isEqualTo(List.of("model.nlab"));
            }
        } finally {
            exec("umount", mount.toString());
        }
    }
}
