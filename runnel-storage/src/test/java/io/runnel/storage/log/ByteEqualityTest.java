package io.runnel.storage.log;

import io.runnel.storage.AppendInfo;
import io.runnel.storage.Batches;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch is stored exactly as the producer sent it, except the fields the broker assigns. The
 * CRC32C covers the bytes from the attributes field (offset 21) to the end, so base offset
 * (bytes 0-7) and partition leader epoch (12-15) change while the CRC (17-20) does not.
 */
class ByteEqualityTest {
    @TempDir
    Path root;
    TestLog env;

    @BeforeEach
    void setUp() {
        env = new TestLog(root);
    }

    @AfterEach
    void tearDown() throws Exception {
        env.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void storedBatchEqualsTheSentOneExceptBaseOffsetAndEpoch(String codec) throws Exception {
        SegmentedLog log = env.create(TestLog.config(Map.of()));
        log.appendAsLeader(Batches.of(env.time.milliseconds(), 3), 4);
        MemoryRecords sent = Batches.of(Compression.of(codec).build(), env.time.milliseconds(), 50, 77L, (short) 1, 0);
        byte[] original = bytes(sent.buffer());

        AppendInfo info = log.appendAsLeader(sent, 9);
        log.updateHighWatermark(log.logEndOffset());
        byte[] stored = bytes(Batches.bytesOf(log.read(info.firstOffset(), 1 << 20, log.logEndOffset(), true)
                .records()).buffer());

        assertThat(stored).hasSameSizeAs(original);
        ByteBuffer storedBuf = ByteBuffer.wrap(stored);
        assertThat(storedBuf.getLong(0)).isEqualTo(3L);
        assertThat(storedBuf.getInt(12)).isEqualTo(9);
        assertThat(Arrays.copyOfRange(stored, 8, 12)).isEqualTo(Arrays.copyOfRange(original, 8, 12));
        assertThat(Arrays.copyOfRange(stored, 16, stored.length))
                .isEqualTo(Arrays.copyOfRange(original, 16, original.length));
        assertThat(MemoryRecords.readableRecords(ByteBuffer.wrap(stored)).batches().iterator().next().isValid()).isTrue();
        assertThat(DefaultRecordBatch.CRC_OFFSET).isEqualTo(17);
        log.close();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer dup = buffer.duplicate();
        byte[] out = new byte[dup.remaining()];
        dup.get(out);
        return out;
    }
}
