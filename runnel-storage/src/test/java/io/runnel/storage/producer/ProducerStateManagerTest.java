package io.runnel.storage.producer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ProducerStateManagerTest {
    @TempDir
    Path dir;

    @Test
    void keepsTheLastFiveBatchesAndSnapshotsThemAll() throws Exception {
        ProducerStateManager state = new ProducerStateManager(dir);
        for (int i = 0; i < 7; i++) {
            ProducerAppend append = state.begin(null);
            append.add(9, (short) 0, i * 2, i * 2 + 1, i * 2L, i * 2L + 1, 100 + i, false);
            state.commit(append);
        }
        assertThat(state.findDuplicate(9, (short) 0, 2, 3)).isNull();
        assertThat(state.findDuplicate(9, (short) 0, 4, 5)).isEqualTo(new BatchMetadata(4, 5, 4, 5, 102));
        state.takeSnapshot(14);
        state.takeSnapshot(15);
        state.takeSnapshot(16);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "00000000000000000015.snapshot", "00000000000000000016.snapshot");
        }

        ProducerStateManager loaded = new ProducerStateManager(dir);
        assertThat(loaded.loadSnapshot(15)).isEqualTo(15);
        assertThat(loaded.findDuplicate(9, (short) 0, 12, 13)).isEqualTo(new BatchMetadata(12, 13, 12, 13, 106));
        assertThat(loaded.findDuplicate(9, (short) 0, 4, 5)).isNotNull();
        assertThat(dir.resolve("00000000000000000016.snapshot")).doesNotExist();
    }

    @Test
    void corruptSnapshotIsSkipped() throws Exception {
        ProducerStateManager state = new ProducerStateManager(dir);
        ProducerAppend append = state.begin(null);
        append.add(1, (short) 0, 0, 0, 0, 0, 1, false);
        state.commit(append);
        state.takeSnapshot(1);
        state.takeSnapshot(2);
        Path newest = dir.resolve("00000000000000000002.snapshot");
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length - 1] ^= 1;
        Files.write(newest, bytes);

        ProducerStateManager loaded = new ProducerStateManager(dir);
        assertThat(loaded.loadSnapshot(100)).isEqualTo(1);
        assertThat(loaded.activeProducers()).hasSize(1);
    }
}
