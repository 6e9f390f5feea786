package org.noiselab.app.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import org.noiselab.engine.io.Checkpoint;

/** The shipped conditional MNIST U-Net, sampled and read by the shipped judge (slow: 30 images of 28x28). */
class ShippedMnistIT {

    /**
     * The shipped MNIST model draws the digit it is asked for, as the shipped judge reads it (guidance 1, DDIM 20);
     * the same samples scored against the wrong digits fail, so the check can fail.
     */
    @org.junit.jupiter.api.Test
    void theShippedMnistModelDrawsTheAskedDigits() throws IOException {
        Checkpoint c = DefaultRun.load(DefaultRun.MNIST_CONDITIONAL);
        assertThat(c.state().step()).isEqualTo(c.setup().config().steps());
        org.noiselab.engine.metric.ImageClassifier judge;
        try (InputStream in = ShippedMnistIT.class.getResourceAsStream(
                "/org/noiselab/assets/models/mnist-judge.safetensors")) {
            assertThat(in).as("the shipped judge").isNotNull();
            judge = org.noiselab.engine.metric.ImageClassifierTraining.load(in.readAllBytes(), "mnist-judge");
        }
        org.noiselab.engine.explore.ImageExplorer explorer = new org.noiselab.engine.explore.ImageExplorer(
                c.emaDenoiser(), c.schedule(), new org.noiselab.engine.data.ImageShape(1, 28, 28));
        int per = 3;
        int right = 0;
        int wrong = 0;
        for (int digit = 0; digit < 10; digit++) {
            int[] read = judge.predict(explorer.sample(per, 11 + digit, digit, 1, 20), per);
            for (int r : read) {
                right += r == digit ? 1 : 0;
                wrong += r == (digit + 1) % 10 ? 1 : 0;
            }
        }
        assertThat(right).as("samples read as the asked digit, of 30").isGreaterThanOrEqualTo(24);
        assertThat(wrong).as("samples read as the next digit, of 30").isLessThanOrEqualTo(6);
    }
}
