package io.runnel.storage.cleaner;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OffsetMapTest {
    private static ByteBuffer key(int i) {
        return ByteBuffer.wrap(("key-" + i).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keepsTheLatestOffsetPerKeyAndGrowsUpToItsBound() {
        OffsetMap map = new OffsetMap(1 << 20);
        map.clear(20_000);
        assertThat(map.capacity()).isGreaterThanOrEqualTo(20_000);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 10_000; i++) {
                map.put(key(i), round * 10_000L + i);
            }
        }
        assertThat(map.size()).isEqualTo(10_000);
        assertThat(map.latestOffset()).isEqualTo(29_999);
        for (int i = 0; i < 10_000; i++) {
            assertThat(map.get(key(i))).isEqualTo(20_000L + i);
        }
        assertThat(map.get(key(-1))).isEqualTo(-1);

        map.clear(10);
        assertThat(map.size()).isZero();
        assertThat(map.get(key(1))).isEqualTo(-1);
    }

    @Test
    void refusesEntriesBeyondItsBound() {
        OffsetMap map = new OffsetMap(1024 * OffsetMap.SLOT_SIZE);
        map.clear(1_000_000);
        int capacity = map.capacity();
        assertThat(capacity).isLessThan(1024);
        for (int i = 0; i < capacity; i++) {
            map.put(key(i), i);
        }
        assertThatThrownBy(() -> map.put(key(-5), 1)).isInstanceOf(IllegalStateException.class);
    }
}
