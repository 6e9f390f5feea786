package org.noiselab.app.view;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.noiselab.app.service.ClassifierMaps;

/** The Classifier view names each likelihood figure, so a negative exact NLL beside a positive model NLL reads. */
class ClassifierWordsTest {

    private static ClassifierMaps maps(double[] model) {
        return new ClassifierMaps(2, new double[] {-1, 1, -1, 1}, 1, 1, model, new double[] {0}, 1, null, 0.5, 0.6,
                2.453, 2.390, -2.131, 100);
    }

    @Test
    void everyNllIsNamedWithItsUnitAndDirection() {
        assertThat(ClassifierView.nllWords(maps(new double[] {0})))
                .isEqualTo("mean NLL in nats (lower is better): model 2.453, floor 2.390 (exact classifier),"
                        + " exact -2.131");
        assertThat(ClassifierView.nllWords(maps(null))).isEqualTo("mean NLL in nats: exact -2.131");
    }
}
