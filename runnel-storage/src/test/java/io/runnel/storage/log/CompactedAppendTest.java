package io.runnel.storage.log;

import io.runnel.storage.Batches;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompactedAppendTest {
    @TempDir
    Path root;

    private static MemoryRecords withOneKeylessRecord(Compression compression) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024), RecordBatch.MAGIC_VALUE_V2,
                compression, TimestampType.CREATE_TIME, 0L);
        builder.append(new SimpleRecord(1L, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8)));
        builder.append(new SimpleRecord(2L, null, "no key".getBytes(StandardCharsets.UTF_8)));
        return builder.build();
    }

    @Test
    void aCompactedTopicRejectsRecordsWithoutKeyCompressedOrNot() throws Exception {
        try (TestLog env = new TestLog(root)) {
            SegmentedLog log = env.create(TestLog.config(Map.of("cleanup.policy", "compact,delete")));
            assertThatThrownBy(() -> log.appendAsLeader(withOneKeylessRecord(Compression.NONE), 0))
                    .isInstanceOf(InvalidRecordException.class).hasMessageContaining("without key");
            assertThatThrownBy(() -> log.appendAsLeader(withOneKeylessRecord(Compression.gzip().build()), 0))
                    .isInstanceOf(InvalidRecordException.class);
            assertThat(log.appendAsLeader(Batches.of(1L, 3), 0).lastOffset()).isEqualTo(2);
            assertThat(log.logEndOffset()).isEqualTo(3);
            log.close();
        }
    }

    @Test
    void aDeleteOnlyTopicTakesRecordsWithoutKey() throws Exception {
        try (TestLog env = new TestLog(root)) {
            SegmentedLog log = env.create(TestLog.config(Map.of()));
            assertThat(log.appendAsLeader(withOneKeylessRecord(Compression.NONE), 0).lastOffset()).isEqualTo(1);
            log.close();
        }
    }
}
