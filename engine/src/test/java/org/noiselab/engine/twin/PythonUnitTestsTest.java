package org.noiselab.engine.twin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.engine.testing.TorchTwin;

/** The twins' own unit tests ({@code python/tests}, unittest) run in the default build, with the same interpreter. */
class PythonUnitTestsTest {

    @Test
    void thePythonUnitTestsPass(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("unittest.log");
        ProcessBuilder pb = new ProcessBuilder(TorchTwin.python(), "-m", "unittest", "discover", "-s", "tests", "-t",
                ".", "-v").directory(TorchTwin.packageRoot().toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process p = pb.start();
        boolean finished = p.waitFor(10, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly();
        }
        String output = Files.readString(log);
        System.out.println(output);
        assertThat(finished).as("python unit tests finished").isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).as("unittest found tests").containsPattern("Ran [1-9][0-9]* tests?");
    }
}
