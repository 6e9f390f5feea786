package org.noiselab.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code noiselab follow}: reports each new checkpoint of a run folder once, and stops when the run ends. */
class FollowCommandTest {

    @TempDir
    Path run;

    private void checkpoint(long step) throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/org/noiselab/assets/checkpoints/dino-ddpm.nlab")) {
            Files.copy(in, run.resolve(String.format("step-%08d.nlab", step)));
        }
    }

    private void status(String state) throws Exception {
        Files.writeString(run.resolve("run.json"), "{\"status\": \"" + state + "\", \"step\": 20000, \"steps\": "
                + "20000, \"device\": \"cuda\", \"worldSize\": 2, \"message\": \"\"}");
    }

    @Test
    void aFinishedRunIsDescribedByItsNewestCheckpoint() throws Exception {
        checkpoint(100);
        checkpoint(20000);
        status("finished");
        NoiseLabCliTest.Result r = NoiseLabCliTest.run("follow", run.toString(), "--samples", "300");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsOnlyOnce("step-00020000.nlab").contains("step 20000 of 20000  loss ").contains("mmd 0.")
                .contains("(cuda x2)").contains("finished at step 20000 of 20000 on cuda x2");
        assertThat(r.out()).doesNotContain("step-00000100.nlab");
    }

    @Test
    void aRunningRunIsFollowedUntilItEndsAndEachCheckpointIsReportedOnce() throws Exception {
        status("running");
        checkpoint(100);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> follow = CompletableFuture.supplyAsync(() -> NoiseLabCli.run(new String[] {
            "follow", run.toString(), "--interval", "0.1", "--samples", "0", "--timeout", "60"},
                new PrintWriter(out, true), new PrintWriter(err, true)));
        // the second checkpoint lands only after the follower reported the first
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!out.toString().contains("step-00000100.nlab") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(follow).isNotDone();
        checkpoint(20000);
        status("finished");
        assertThat(follow.get(90, TimeUnit.SECONDS)).as(err.toString()).isZero();
        String text = out.toString();
        assertThat(text).containsOnlyOnce("step-00000100.nlab").containsOnlyOnce("step-00020000.nlab")
                .contains("finished");
        assertThat(text.indexOf("step-00000100.nlab")).isLessThan(text.indexOf("step-00020000.nlab"));
    }

    @Test
    void aFailedRunExitsWithOneAndItsMessage() throws Exception {
        Files.writeString(run.resolve("run.json"), "{\"status\": \"failed\", \"step\": 10, \"steps\": 100, "
                + "\"device\": \"cpu\", \"message\": \"loss is NaN at step 10\"}");
        NoiseLabCliTest.Result r = NoiseLabCliTest.run("follow", run.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("failed at step 10 of 100 on cpu (loss is NaN at step 10)");
    }

    @Test
    void aMissingFolderAndABrokenStatusAreOneClearLine() throws Exception {
        NoiseLabCliTest.Result missing = NoiseLabCliTest.run("follow", run.resolve("nope").toString());
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err().strip().lines()).hasSize(1).first().asString().contains("nope");
        Files.writeString(run.resolve("run.json"), "{not json");
        NoiseLabCliTest.Result broken = NoiseLabCliTest.run("follow", run.toString());
        assertThat(broken.code()).isNotZero();
        assertThat(broken.err().strip().lines()).hasSize(1).first().asString().contains("run.json: not valid JSON");
    }
}
