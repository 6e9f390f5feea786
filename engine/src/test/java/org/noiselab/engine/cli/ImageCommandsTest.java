package org.noiselab.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.noiselab.engine.cli.NoiseLabCliTest.run;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.engine.cli.NoiseLabCliTest.Result;
import org.noiselab.engine.image.ImageSet;
import org.noiselab.engine.image.MnistIdx;

/**
 * The image commands end to end on a tiny MNIST-format set of 8x8 digits-to-be (real IDX files): train a U-Net and a
 * convolutional CDM, sample a PNG grid, train the judging classifier and judge samples, and the clear errors.
 */
class ImageCommandsTest {

    @TempDir
    Path dir;

    @BeforeEach
    void writeImages() throws IOException {
        writeTinyMnist(dir);
    }

    /**
     * Sixty 8x8 grey images in three classes, each class a diagonal stripe pattern with a little noise, as real gzipped
     * MNIST IDX files in {@code dir}.
     */
    static void writeTinyMnist(Path dir) throws IOException {
        int n = 60;
        SplittableRandom rng = new SplittableRandom(1);
        float[] pixels = new float[n * 64];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int k = 0; k < 64; k++) {
                boolean on = (k / 8 + k % 8 + labels[i]) % 3 == 0;
                pixels[i * 64 + k] = Math.round(((on ? 0.8 : -0.8) + rng.nextDouble(-0.1, 0.1)) * 127.5) / 127.5f;
            }
        }
        ImageSet set = new ImageSet("tiny", 1, 8, 8, n, pixels, labels, List.of("0", "1", "2"));
        MnistIdx.write(set, dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"),
                true);
    }

    @Test
    void trainSampleAndJudgeAnImageModel() throws IOException {
        Path ckpt = dir.resolve("u.nlab");
        Path grid = dir.resolve("train-grid.png");
        Result train = run("train", "--dataset", "mnist", "--data", dir.toString(), "--held-out", "12", "--steps", "3",
                "--batch", "4", "--base-channels", "8", "--conditional", "--out", ckpt.toString(), "--grid",
                grid.toString());
        assertThat(train.code()).as(train.err()).isZero();
        assertThat(train.out()).contains("training unet (ddpm) on mnist").contains("saved");
        assertThat(image(grid).getWidth()).isEqualTo(8 * 16 + 7 * 2);

        Path png = dir.resolve("s.png");
        Result sample = run("sample", "--checkpoint", ckpt.toString(), "--sampler", "ddim", "--steps", "3", "--n", "5",
                "--columns", "5", "--class", "1", "--guidance", "2", "--out", png.toString());
        assertThat(sample.code()).as(sample.err()).isZero();
        assertThat(image(png).getWidth()).isEqualTo(5 * 16 + 4 * 2);
        assertThat(image(png).getHeight()).isEqualTo(16);

        Path judge = dir.resolve("judge.safetensors");
        Result classifier = run("train-classifier", "--data", dir.toString(), "--held-out", "12", "--steps", "5",
                "--batch", "8", "--out", judge.toString());
        assertThat(classifier.code()).as(classifier.err()).isZero();
        assertThat(classifier.out()).contains("held-out accuracy");

        Path csv = dir.resolve("q.csv");
        Result quality = run("image-quality", "--checkpoint", ckpt.toString(), "--classifier", judge.toString(),
                "--data", dir.toString(), "--held-out", "12", "--n", "3", "--steps", "2", "--guidance", "0,1",
                "--csv", csv.toString());
        assertThat(quality.code()).as(quality.err()).isZero();
        assertThat(Files.readAllLines(csv)).hasSize(4).first().isEqualTo("w,class_accuracy,confident,frechet,frechet_infinity");

        Result nll = run("nll", "--checkpoint", ckpt.toString(), "--data", dir.toString(), "--held-out", "12", "--n",
                "3", "--points", "4");
        assertThat(nll.code()).as(nll.err()).isZero();
        assertThat(nll.out()).contains("itd, 3 held-out images x 4 points").contains("bits/dim");

        Path picardGrid = dir.resolve("picard.png");
        Result picard = run("picard", "--checkpoint", ckpt.toString(), "--steps", "6", "--n", "2", "--window", "6",
                "--drift", "ddim", "--class", "2", "--guidance", "1", "--out", dir.resolve("picard.csv").toString(),
                "--grid", picardGrid.toString());
        assertThat(picard.code()).as(picard.err()).isZero();
        assertThat(image(picardGrid).getWidth()).isEqualTo(2 * 16 + 2);
        assertThat(Files.readAllLines(dir.resolve("picard.csv")).get(1)).matches("1,\\d+,\\d+,\\d+,,.*");

        Path exported = dir.resolve("u.safetensors");
        Result export = run("export", "--checkpoint", ckpt.toString(), "--out", exported.toString());
        assertThat(export.code()).as(export.err()).isZero();
        var tensors = org.noiselab.engine.io.Safetensors.read(Files.readAllBytes(exported), "u.safetensors").tensors();
        assertThat(tensors.get("conv_in.weight").shape()).containsExactly(3, 3, 1, 8);
        assertThat(tensors).containsKey("class_embedding.weight");

        Result toyOnly = run("mmd", "--samples", png.toString(), "--dataset", "mnist");
        assertThat(toyOnly.code()).isEqualTo(NoiseLabCli.EXIT_BAD_INPUT);
        Result csvFromImage = run("score-grid", "--checkpoint", ckpt.toString(), "--out", dir.resolve("g.csv")
                .toString());
        assertThat(csvFromImage.code()).isEqualTo(NoiseLabCli.EXIT_BAD_INPUT);
        assertThat(csvFromImage.err()).contains("image model");
    }

    @Test
    void aConvolutionalCdmTrainsAndSamples() throws IOException {
        Path ckpt = dir.resolve("c.nlab");
        Result train = run("train", "--dataset", "mnist", "--data", dir.toString(), "--objective", "cdm", "--steps",
                "2", "--batch", "3", "--base-channels", "8", "--timesteps", "50", "--calibrate-levels", "2", "--out",
                ckpt.toString());
        assertThat(train.code()).as(train.err()).isZero();
        assertThat(train.out()).contains("training classifier-unet (cdm)")
                .contains("level calibration (2 draws per level");
        Path png = dir.resolve("c.png");
        Result sample = run("sample", "--checkpoint", ckpt.toString(), "--sampler", "ddim", "--steps", "3", "--n", "2",
                "--out", png.toString());
        assertThat(sample.code()).as(sample.err()).isZero();
        assertThat(image(png).getWidth()).isEqualTo(2 * 16 + 2);
        Result nll = run("nll", "--checkpoint", ckpt.toString(), "--method", "cdm", "--data", dir.toString(),
                "--held-out", "12", "--n", "5");
        assertThat(nll.code()).as(nll.err()).isZero();
        assertThat(nll.out()).contains("cdm, 5 held-out images, one forward pass").contains("bits/dim");

        Path calibrated = dir.resolve("c-cal.nlab");
        Result noImages = run("calibrate", "--checkpoint", ckpt.toString(), "--per-level", "2", "--out",
                calibrated.toString());
        assertThat(noImages.code()).isEqualTo(NoiseLabCli.EXIT_BAD_INPUT);
        assertThat(noImages.err()).contains("pass the --dataset (mnist, cifar10 or png), --data and --held-out it trained with");
        Result calibrate = run("calibrate", "--checkpoint", ckpt.toString(), "--dataset", "mnist", "--data",
                dir.toString(), "--per-level", "2", "--out", calibrated.toString());
        assertThat(calibrate.code()).as(calibrate.err()).isZero();
        assertThat(calibrate.out()).contains("level calibration (2 draws per level");
        assertThat(calibrated).exists();
    }

    @Test
    void aDdpmFineTunesWithTheContrastiveLossAndItdTrainsFromScratch() throws IOException {
        Path ddpm = dir.resolve("d.nlab");
        Result train = run("train", "--dataset", "mnist", "--data", dir.toString(), "--held-out", "12", "--steps", "2",
                "--batch", "4", "--base-channels", "8", "--conditional", "--out", ddpm.toString());
        assertThat(train.code()).as(train.err()).isZero();

        Path tuned = dir.resolve("t.nlab");
        Result fineTune = run("train", "--dataset", "mnist", "--data", dir.toString(), "--held-out", "12", "--init",
                ddpm.toString(), "--objective", "ddpm+cdl", "--cdl-points", "3", "--steps", "2", "--batch", "4",
                "--out", tuned.toString());
        assertThat(fineTune.code()).as(fineTune.err()).isZero();
        assertThat(fineTune.out()).contains("training unet (ddpm+cdl) on mnist (conditional on 10 classes")
                .contains("fine-tuning from " + ddpm);
        var source = org.noiselab.engine.io.CheckpointIO.load(ddpm);
        var result = org.noiselab.engine.io.CheckpointIO.load(tuned);
        assertThat(result.setup().model()).isEqualTo(source.setup().model());
        assertThat(result.setup().objective().kind()).isEqualTo("ddpm+cdl");
        assertThat(result.state().step()).isEqualTo(2);
        assertThat(result.setup().config().learningRate().peak()).isEqualTo(1e-4);
        assertThat(result.setup().init().source()).isEqualTo("d.nlab");
        assertThat(result.setup().init().step()).isEqualTo(2);

        Result replayed = run("replay", tuned.toString(), "--dataset", "mnist", "--data", dir.toString(),
                "--held-out", "12", "--init", ddpm.toString());
        assertThat(replayed.code()).as(replayed.out() + replayed.err()).isZero();
        assertThat(replayed.out()).contains("replay reproduces the recorded loss curve exactly");
        Result replayedSource = run("replay", ddpm.toString(), "--dataset", "mnist", "--data", dir.toString(),
                "--held-out", "12");
        assertThat(replayedSource.code()).as(replayedSource.out() + replayedSource.err()).isZero();
        Result withoutStart = run("replay", tuned.toString(), "--dataset", "mnist", "--data", dir.toString(),
                "--held-out", "12");
        assertThat(withoutStart.code()).isEqualTo(NoiseLabCli.EXIT_BAD_INPUT);
        assertThat(withoutStart.err()).contains("--init").contains("d.nlab");
        Result wrongStart = run("replay", tuned.toString(), "--dataset", "mnist", "--data", dir.toString(),
                "--held-out", "12", "--init", tuned.toString());
        assertThat(wrongStart.code()).isEqualTo(NoiseLabCli.EXIT_BAD_INPUT);
        assertThat(wrongStart.err()).contains("other weights");
        Result wrongImages = run("replay", ddpm.toString(), "--dataset", "mnist", "--data", dir.toString(),
                "--held-out", "20");
        assertThat(wrongImages.code()).isEqualTo(NoiseLabCli.EXIT_BAD_INPUT);
        assertThat(wrongImages.err()).contains("[0:40]").contains("[0:48]");
        Result noImages = run("replay", ddpm.toString());
        assertThat(noImages.code()).isEqualTo(NoiseLabCli.EXIT_BAD_INPUT);
        assertThat(noImages.err()).contains("--dataset");

        Result itd = run("train", "--dataset", "mnist", "--data", dir.toString(), "--objective", "itd", "--steps",
                "2", "--batch", "3", "--base-channels", "8", "--out", dir.resolve("i.nlab").toString());
        assertThat(itd.code()).as(itd.err()).isZero();
        assertThat(itd.out()).contains("training unet (itd)");

        Result architecture = run("train", "--dataset", "mnist", "--data", dir.toString(), "--init", ddpm.toString(),
                "--base-channels", "16", "--out", dir.resolve("a.nlab").toString());
        assertThat(architecture.code()).isEqualTo(NoiseLabCli.EXIT_BAD_INPUT);
        assertThat(architecture.err()).contains("--base-channels").contains("come from --init");
        Result wrongKind = run("train", "--dataset", "mnist", "--data", dir.toString(), "--init", ddpm.toString(),
                "--objective", "cdm", "--out", dir.resolve("k.nlab").toString());
        assertThat(wrongKind.code()).isEqualTo(NoiseLabCli.EXIT_BAD_INPUT);
        assertThat(wrongKind.err()).contains("--init").contains("noise-level classifier");
        Result toyData = run("train", "--dataset", "dino", "--init", ddpm.toString(), "--out",
                dir.resolve("y.nlab").toString());
        assertThat(toyData.code()).isEqualTo(NoiseLabCli.EXIT_BAD_INPUT);
        assertThat(toyData.err()).contains("dimension 2");
        Result notACheckpoint = run("train", "--dataset", "mnist", "--data", dir.toString(), "--init",
                dir.resolve("train-images-idx3-ubyte.gz").toString(), "--out", dir.resolve("n.nlab").toString());
        assertThat(notACheckpoint.code()).isEqualTo(NoiseLabCli.EXIT_BAD_INPUT);
        assertThat(notACheckpoint.err()).contains("train-images-idx3-ubyte.gz");
    }

    @Test
    void badImageInputGetsOneClearLine() throws IOException {
        Result missing = run("train", "--dataset", "mnist", "--data", dir.resolve("nowhere").toString(), "--out",
                dir.resolve("x.nlab").toString());
        assertThat(missing.code()).isEqualTo(NoiseLabCli.EXIT_BAD_INPUT);
        assertThat(missing.err()).contains("nowhere");

        Files.write(dir.resolve("bad-images-idx3-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 1});
        Result malformed = run("train", "--dataset", "mnist", "--data", dir.resolve("bad-images-idx3-ubyte")
                .toString(), "--out", dir.resolve("y.nlab").toString());
        assertThat(malformed.code()).isEqualTo(NoiseLabCli.EXIT_BAD_INPUT);
        assertThat(malformed.err()).contains("bad-images-idx3-ubyte");

        Result heldOut = run("train", "--dataset", "mnist", "--data", dir.toString(), "--held-out", "60", "--out",
                dir.resolve("w.nlab").toString());
        assertThat(heldOut.code()).isEqualTo(NoiseLabCli.EXIT_BAD_INPUT);
        assertThat(heldOut.err()).contains("--held-out");

        Result notImages = run("sample", "--model", "oracle", "--dataset", "dino", "--n", "4", "--out",
                dir.resolve("o.png").toString());
        assertThat(notImages.code()).isEqualTo(NoiseLabCli.EXIT_BAD_INPUT);
        assertThat(notImages.err()).contains("PNG grid needs an image model");
    }

    private static BufferedImage image(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as("%s is a PNG", png).isNotNull();
        return img;
    }
}
