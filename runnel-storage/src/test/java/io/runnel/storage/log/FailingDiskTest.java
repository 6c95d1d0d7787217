package io.runnel.storage.log;

import io.runnel.storage.Batches;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FailingDiskTest {
    @TempDir
    Path root;
    TestLog env;
    volatile boolean failing;

    @BeforeEach
    void setUp() {
        env = new TestLog(root);
        env.io = new FileIo() {
            @Override
            public void writeFully(FileChannel channel, ByteBuffer src, long position) throws IOException {
                if (failing) {
                    ByteBuffer half = src.duplicate();
                    half.limit(half.position() + half.remaining() / 2);
                    channel.write(half, position);
                    throw new IOException("injected write failure");
                }
                FileIo.SYSTEM.writeFully(channel, src, position);
            }

            @Override
            public void force(FileChannel channel) throws IOException {
                if (failing) {
                    throw new IOException("injected fsync failure");
                }
                FileIo.SYSTEM.force(channel);
            }
        };
    }

    @AfterEach
    void tearDown() throws Exception {
        env.close();
    }

    @Test
    void failedWriteLeavesTheLogAsItWasAndReadable() throws Exception {
        SegmentedLog log = env.create(TestLog.config(Map.of()));
        log.appendAsLeader(Batches.of(env.time.milliseconds(), 2), 0);
        long sizeBefore = log.sizeInBytes();

        failing = true;
        assertThatThrownBy(() -> log.appendAsLeader(Batches.of(env.time.milliseconds(), 5), 0))
                .isInstanceOf(KafkaStorageException.class);
        assertThat(log.logEndOffset()).isEqualTo(2);
        assertThat(log.sizeInBytes()).isEqualTo(sizeBefore);
        assertThat(log.segmentBaseOffsets().size()).isEqualTo(1);
        assertThat(java.nio.file.Files.size(SegmentFiles.file(env.dir, 0, SegmentFiles.LOG))).isEqualTo(sizeBefore);

        failing = false;
        assertThat(log.appendAsLeader(Batches.of(env.time.milliseconds(), 1), 0).firstOffset()).isEqualTo(2);
        log.updateHighWatermark(3);
        assertThat(Batches.batchesOf(log.read(0, 1 << 20, 3, false).records()))
                .extracting(MutableRecordBatch::baseOffset).containsExactly(0L, 2L);
        log.close();
    }

    @Test
    void failedFsyncFailsTheGroupCommit() throws Exception {
        SegmentedLog log = env.create(TestLog.config(Map.of()));
        log.appendAsLeader(Batches.of(env.time.milliseconds(), 2), 0);
        failing = true;
        assertThatThrownBy(() -> log.flushAsync().get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(KafkaStorageException.class);
        assertThat(log.recoveryPoint()).isZero();
        failing = false;
        log.flushAsync().get(10, TimeUnit.SECONDS);
        assertThat(log.recoveryPoint()).isEqualTo(2);
        log.close();
    }
}
