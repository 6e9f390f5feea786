package org.noiselab.engine.twin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.engine.io.Checkpoint;
import org.noiselab.engine.io.CheckpointIO;
import org.noiselab.engine.io.ModelTensors;
import org.noiselab.engine.io.Tensor;
import org.noiselab.engine.testing.TorchTwin;

/**
 * A checkpoint written by either side opens in the other: the twin reads every shipped checkpoint (MLP denoisers,
 * conditional and not, MLP and U-Net noise classifiers, the MNIST U-Net) and writes it again, and the engine reads
 * the twin's file back to the same setup and the same bits in every tensor.
 */
class CheckpointInterchangeTest {

    static final List<String> SHIPPED = List.of("gauss1d-two-mode-ddpm", "gauss1d-two-mode-cdl",
            "gauss1d-two-mode-cdm", "dino-ddpm", "dino-cdl", "dino-cdm", "datasaurus-conditional-ddpm",
            "mnist-conditional-ddpm", "mnist-cdm");

    @TempDir
    static Path dir;
    static TorchTwin twin;

    @BeforeAll
    static void resaveEveryShippedCheckpoint() throws Exception {
        twin = new TorchTwin(dir);
        for (String name : SHIPPED) {
            try (InputStream in = CheckpointInterchangeTest.class.getResourceAsStream(
                    "/org/noiselab/assets/checkpoints/" + name + ".nlab")) {
                Files.copy(in, dir.resolve(name + ".nlab"));
            }
            twin.add(name, "files.resave", Map.of("checkpoint", name + ".nlab", "out", name + ".twin.nlab"));
        }
        twin.run();
    }

    @Test
    void theEngineReadsEveryCheckpointTheTwinWroteToTheSameBits() throws IOException {
        for (String name : SHIPPED) {
            Checkpoint original = CheckpointIO.load(dir.resolve(name + ".nlab"));
            Checkpoint back = CheckpointIO.load(dir.resolve(name + ".twin.nlab"));
            assertThat(back.setup()).as(name).isEqualTo(original.setup());
            assertThat(back.engineVersion()).isEqualTo("noiselab_torch");
            assertThat(back.state().step()).isEqualTo(original.state().step());
            assertThat(back.state().parameters()).as(name).isEqualTo(original.state().parameters());
            assertThat(back.state().emaParameters()).as(name).isEqualTo(original.state().emaParameters());
            assertThat(back.state().firstMoment()).as(name).isEqualTo(original.state().firstMoment());
            assertThat(back.state().secondMoment()).as(name).isEqualTo(original.state().secondMoment());
            assertThat(back.state().lossHistory()).as(name).isEqualTo(original.state().lossHistory());
            assertThat(back.metrics()).isEqualTo(original.metrics());
            assertThat(Files.exists(CheckpointIO.sidecar(dir.resolve(name + ".twin.nlab")))).isTrue();
        }
    }

    @Test
    void theTwinReadsEveryTensorUnderTheEnginesNameAndShapeAndOrdersThemAsTheEngine() throws IOException {
        for (String name : SHIPPED) {
            Checkpoint c = CheckpointIO.load(dir.resolve(name + ".nlab"));
            Map<String, Tensor> expected = ModelTensors.toTensors(c.setup().model(), c.state().parameters(), "weights.");
            Map<String, Tensor> read = new java.util.LinkedHashMap<>(twin.outputs(name));
            Tensor flat = read.remove("engine_order");
            assertThat(read).as(name).containsExactlyInAnyOrderEntriesOf(expected);
            assertThat(flat.data()).as(name + ": the twin's flat vector in the engine's parameter order (the moments' "
                    + "order)").isEqualTo(c.state().parameters());
        }
    }
}
