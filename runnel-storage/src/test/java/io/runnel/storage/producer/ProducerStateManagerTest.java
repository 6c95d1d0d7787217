package io.runnel.storage.producer;

import org.apache.kafka.common.utils.internals.Crc32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
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

    @Test
    void ongoingAndUnreplicatedTransactionsSurviveASnapshot() throws Exception {
        ProducerStateManager state = new ProducerStateManager(dir);
        ProducerAppend append = state.begin(null);
        append.add(1, (short) 0, 0, 0, 0, 0, 1, true);
        append.add(2, (short) 0, 0, 0, 1, 1, 1, true);
        state.commit(append);
        assertThat(state.completeTxn(2, (short) 0, 4, 2, 1, false)).isEqualTo(new CompletedTxn(2, 1, 2, true));
        state.onHighWatermarkUpdated(2);
        state.takeSnapshot(3);

        ProducerStateManager loaded = new ProducerStateManager(dir);
        assertThat(loaded.loadSnapshot(3)).isEqualTo(3);
        assertThat(loaded.hasOngoingTransaction(1)).isTrue();
        assertThat(loaded.firstUnstableOffset()).isZero();
        assertThat(loaded.completeTxn(1, (short) 0, 4, 3, 1, true)).isEqualTo(new CompletedTxn(1, 0, 3, false));
        assertThat(loaded.firstUnstableOffset()).isZero();
        loaded.onHighWatermarkUpdated(3);
        assertThat(loaded.firstUnstableOffset()).as("producer 2's marker at 2 is below 3").isZero();
        loaded.onHighWatermarkUpdated(4);
        assertThat(loaded.firstUnstableOffset()).isEqualTo(Long.MAX_VALUE);
        assertThat(loaded.activeProducers()).extracting(p -> p.coordinatorEpoch()).containsOnly(4);
    }

    @Test
    void aVersionOneSnapshotIsStillRead() throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(10 + 34 + 32);
        buf.putShort((short) 1).putInt(0).putInt(1);
        buf.putLong(5).putShort((short) 2).putLong(100).putInt(3).putLong(7).putInt(1);
        buf.putInt(0).putInt(0).putLong(7).putLong(7).putLong(100);
        buf.putInt(2, (int) Crc32C.compute(buf.array(), 6, buf.capacity() - 6));
        Files.write(dir.resolve("00000000000000000008.snapshot"), buf.array());

        ProducerStateManager loaded = new ProducerStateManager(dir);

        assertThat(loaded.loadSnapshot(8)).isEqualTo(8);
        assertThat(loaded.hasOngoingTransaction(5)).isTrue();
        assertThat(loaded.firstUnstableOffset()).isEqualTo(7);
        assertThat(loaded.findDuplicate(5, (short) 2, 0, 0)).isEqualTo(new BatchMetadata(0, 0, 7, 7, 100));
    }
}
