package org.noiselab.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ImageSetTest {

    /** Three 2-channel 2x3 images whose value at (i, c, y, x) is i*100 + c*10 + y*3 + x, scaled down. */
    static ImageSet numbered() {
        float[] p = new float[3 * 2 * 2 * 3];
        for (int i = 0; i < 3; i++) {
            for (int c = 0; c < 2; c++) {
                for (int y = 0; y < 2; y++) {
                    for (int x = 0; x < 3; x++) {
                        p[((i * 2 + c) * 2 + y) * 3 + x] = (i * 100 + c * 10 + y * 3 + x) / 1000f;
                    }
                }
            }
        }
        return new ImageSet("numbered", 2, 2, 3, 3, p, new int[] {0, 1, 1}, List.of("a", "b"));
    }

    @Test
    void imagesFollowTheNchwLayout() {
        ImageSet set = numbered();
        assertThat(set.dim()).isEqualTo(12);
        assertThat(set.image(2)[(1 * 2 + 1) * 3 + 2]).isEqualTo((200 + 10 + 3 + 2) / 1000f);
        assertThat(set.label(1)).isEqualTo(1);
        assertThat(set.classCount()).isEqualTo(2);
        assertThat(set.labelled()).isTrue();
    }

    @Test
    void accessorsReturnCopies() {
        ImageSet set = numbered();
        set.pixels()[0] = 99;
        set.image(0)[0] = 99;
        int[] labels = set.labels();
        assertThat(labels).isNotNull();
        labels[0] = 1;
        assertThat(set.pixels()[0]).isEqualTo(0f);
        assertThat(set.label(0)).isEqualTo(0);
    }

    @Test
    void constructorCopiesItsArguments() {
        float[] p = {0, 0.5f};
        int[] l = {1, 0};
        ImageSet set = new ImageSet("s", 1, 1, 1, 2, p, l, List.of("x", "y"));
        p[0] = 1;
        l[0] = 0;
        assertThat(set.pixels()).containsExactly(0f, 0.5f);
        assertThat(set.label(0)).isEqualTo(1);
    }

    @Test
    void subsetsAndSplitsKeepPixelsLabelsAndClasses() {
        ImageSet set = numbered();
        ImageSet tail = set.subset(1, 3);
        assertThat(tail.count()).isEqualTo(2);
        assertThat(tail.image(0)).containsExactly(set.image(1));
        assertThat(tail.labels()).containsExactly(1, 1);
        assertThat(tail.classNames()).containsExactly("a", "b");
        assertThat(tail.name()).isEqualTo("numbered[1:3]");
        assertThat(set.firstN(10).count()).isEqualTo(3);
        assertThat(set.firstN(1).image(0)).containsExactly(set.image(0));

        ImageSet.Split split = set.split(1);
        assertThat(split.train().count()).isEqualTo(2);
        assertThat(split.heldOut().count()).isEqualTo(1);
        assertThat(split.heldOut().image(0)).containsExactly(set.image(2));
        assertThat(set.split(0).heldOut().count()).isZero();
        assertThatThrownBy(() -> set.split(4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0..3");
    }

    @Test
    void constructorRejectsDisagreeingArguments() {
        assertThatThrownBy(() -> new ImageSet("s", 1, 2, 2, 2, new float[7], null, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pixels.length = 7");
        assertThatThrownBy(() -> new ImageSet("s", 1, 1, 1, 2, new float[2], new int[] {0, 2}, List.of("a", "b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("labels[1] = 2");
        assertThatThrownBy(() -> new ImageSet("s", 1, 1, 1, 2, new float[2], new int[] {0}, List.of("a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("labels.length = 1");
        assertThatThrownBy(() -> new ImageSet("s", 1, 1, 1, 1, new float[1], null, List.of("a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("classNames");
        assertThatThrownBy(() -> new ImageSet("s", 1, 1, 1, 1, new float[1], new int[1], List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("classNames");
        assertThatThrownBy(() -> new ImageSet("s", 0, 1, 1, 0, new float[0], null, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shape");
        assertThatThrownBy(() -> new ImageSet("s", 1, 1, 1, 1, new float[] {Float.NaN}, null, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite");
    }

    @Test
    void unlabelledSetHasNoClasses() {
        ImageSet set = new ImageSet("u", 1, 1, 2, 1, new float[] {-1, 1}, null, List.of());
        assertThat(set.labelled()).isFalse();
        assertThat(set.classCount()).isZero();
        assertThat(set.labels()).isNull();
        assertThatThrownBy(() -> set.label(0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unlabelled");
    }

    @Test
    void pixelScaleMapsBytesExactlyAndClamps() {
        assertThat(PixelScale.fromByte(0)).isEqualTo(-1f);
        assertThat(PixelScale.fromByte(255)).isEqualTo(1f);
        for (int b = 0; b < 256; b++) {
            assertThat(PixelScale.toByte(PixelScale.fromByte(b))).isEqualTo(b);
        }
        assertThat(PixelScale.toByte(3f)).isEqualTo(255);
        assertThat(PixelScale.toByte(Float.NEGATIVE_INFINITY)).isZero();
        assertThat(PixelScale.toByte(Float.NaN)).isZero();
    }
}
