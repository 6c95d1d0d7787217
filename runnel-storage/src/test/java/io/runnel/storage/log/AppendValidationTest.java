package io.runnel.storage.log;

import io.runnel.storage.AppendInfo;
import io.runnel.storage.Batches;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedForMessageFormatException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AppendValidationTest {
    @TempDir
    Path root;
    TestLog env;
    SegmentedLog log;

    @BeforeEach
    void setUp() throws Exception {
        env = new TestLog(root);
        log = env.create(TestLog.config(Map.of("max.message.bytes", "2000",
                "message.timestamp.before.max.ms", "60000", "message.timestamp.after.max.ms", "1000")));
    }

    @AfterEach
    void tearDown() throws Exception {
        log.close();
        env.close();
    }

    @Test
    void rejectsOldMagic() {
        MemoryRecords v1 = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V1, Compression.NONE,
                new SimpleRecord(env.time.milliseconds(), "v".getBytes()));
        assertThatThrownBy(() -> log.appendAsLeader(v1, 0)).isInstanceOf(UnsupportedForMessageFormatException.class);
    }

    @Test
    void rejectsBadCrcTooLargeAndTrailingGarbage() {
        MemoryRecords corrupt = Batches.of(env.time.milliseconds(), 2);
        ByteBuffer buf = corrupt.buffer();
        buf.put(buf.limit() - 1, (byte) (buf.get(buf.limit() - 1) ^ 1));
        assertThatThrownBy(() -> log.appendAsLeader(corrupt, 0)).isInstanceOf(CorruptRecordException.class);

        assertThatThrownBy(() -> log.appendAsLeader(Batches.of(env.time.milliseconds(), 100), 0))
                .isInstanceOf(RecordTooLargeException.class);

        ByteBuffer whole = Batches.of(env.time.milliseconds(), 1).buffer();
        ByteBuffer padded = ByteBuffer.allocate(whole.remaining() + 30);
        padded.put(whole.duplicate()).putLong(0).putInt(100).flip();
        assertThatThrownBy(() -> log.appendAsLeader(MemoryRecords.readableRecords(padded), 0))
                .isInstanceOf(CorruptRecordException.class);
        assertThatThrownBy(() -> log.appendAsLeader(MemoryRecords.EMPTY, 0)).isInstanceOf(InvalidRecordException.class);
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void createTimeMustBeWithinTheConfiguredWindow() {
        long now = env.time.milliseconds();
        assertThatThrownBy(() -> log.appendAsLeader(Batches.of(now - 60_001, 1), 0))
                .isInstanceOf(InvalidTimestampException.class);
        assertThatThrownBy(() -> log.appendAsLeader(Batches.of(now + 1_001, 1), 0))
                .isInstanceOf(InvalidTimestampException.class);
        assertThat(log.appendAsLeader(Batches.of(now - 60_000, 1), 0).logAppendTime()).isEqualTo(-1);
    }

    @Test
    void logAppendTimeStampsTheBatchHeaderAndKeepsItValid() {
        log.updateConfig(TestLog.config(Map.of("message.timestamp.type", "LogAppendTime")));
        long now = env.time.milliseconds();
        AppendInfo info = log.appendAsLeader(Batches.of(Compression.gzip().build(), now - 5_000_000, 3, -1, (short) -1, -1), 0);
        assertThat(info.logAppendTime()).isEqualTo(now);
        log.updateHighWatermark(log.logEndOffset());
        MutableRecordBatch stored = Batches.batchesOf(log.read(0, 1 << 20, 3, true).records()).get(0);
        assertThat(stored.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(stored.maxTimestamp()).isEqualTo(now);
        assertThat(stored.isValid()).isTrue();
        assertThat(log.maxTimestampAndOffset()).hasValueSatisfying(t -> {
            assertThat(t.timestamp()).isEqualTo(now);
            assertThat(t.offset()).isZero();
        });
    }
}
