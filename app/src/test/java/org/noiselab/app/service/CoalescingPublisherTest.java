package org.noiselab.app.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoalescingPublisherTest {

    @Test
    void manyPublicationsBeforeTheUiRunsDeliverOnlyTheLatest() {
        List<Runnable> queued = new ArrayList<>();
        List<Integer> delivered = new ArrayList<>();
        CoalescingPublisher<Integer> p = new CoalescingPublisher<>(queued::add, delivered::add);
        for (int i = 0; i < 1000; i++) {
            p.publish(i);
        }
        assertThat(queued).hasSize(1);
        queued.remove(0).run();
        assertThat(delivered).containsExactly(999);
        p.publish(1000);
        assertThat(queued).hasSize(1);
        queued.remove(0).run();
        assertThat(delivered).containsExactly(999, 1000);
    }
}
