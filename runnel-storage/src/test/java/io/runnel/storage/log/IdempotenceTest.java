package io.runnel.storage.log;

import io.runnel.storage.ActiveProducer;
import io.runnel.storage.AppendInfo;
import io.runnel.storage.Batches;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdempotenceTest {
    static final long PID = 1000L;

    @TempDir
    Path root;
    TestLog env;
    SegmentedLog log;

    @BeforeEach
    void setUp() throws Exception {
        env = new TestLog(root);
        log = env.create(TestLog.config(Map.of("internal.segment.bytes", "2048")));
    }

    @AfterEach
    void tearDown() throws Exception {
        log.close();
        env.close();
    }

    private AppendInfo send(short epoch, int seq, int count) {
        return log.appendAsLeader(Batches.idempotent(env.time.milliseconds(), count, PID, epoch, seq), 0);
    }

    @Test
    void retryOfOneOfTheLastFiveBatchesReturnsTheOriginalOffsets() {
        AppendInfo first = send((short) 0, 0, 3);
        for (int i = 1; i <= 4; i++) {
            send((short) 0, i * 3, 3);
        }
        long end = log.logEndOffset();

        AppendInfo retry = send((short) 0, 0, 3);

        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(first.firstOffset());
        assertThat(retry.lastOffset()).isEqualTo(first.lastOffset());
        assertThat(log.logEndOffset()).isEqualTo(end);
        send((short) 0, 15, 3);
        assertThatThrownBy(() -> send((short) 0, 0, 3)).isInstanceOf(OutOfOrderSequenceException.class);
    }

    @Test
    void gapIsRejectedAndNothingIsWritten() {
        send((short) 0, 0, 2);
        assertThatThrownBy(() -> send((short) 0, 5, 1)).isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(log.logEndOffset()).isEqualTo(2);
        assertThat(send((short) 0, 2, 1).firstOffset()).isEqualTo(2);
    }

    @Test
    void epochRules() {
        send((short) 1, 0, 2);
        assertThatThrownBy(() -> send((short) 0, 2, 1)).isInstanceOf(InvalidProducerEpochException.class);
        assertThatThrownBy(() -> send((short) 2, 7, 1)).isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(send((short) 2, 0, 1).duplicate()).isFalse();
        assertThat(log.activeProducers()).singleElement().satisfies(p -> {
            assertThat(p.producerEpoch()).isEqualTo((short) 2);
            assertThat(p.lastSequence()).isZero();
        });
    }

    @Test
    void unknownProducerMayStartAtAnySequenceAndSequenceWraps() {
        send((short) 3, Integer.MAX_VALUE - 1, 2);
        assertThat(send((short) 3, 0, 1).duplicate()).isFalse();
    }

    @Test
    void producerStateSurvivesACrashThroughSnapshotPlusTailScan() throws Exception {
        send((short) 0, 0, 5);
        log.flush();
        for (int seq = 5; seq < 60; seq += 5) {
            send((short) 0, seq, 5);
        }
        log.abandon();
        log = env.reopen(log.config(), false, new LogLoader.Checkpoints(log.recoveryPoint(), 0, 0));

        assertThat(log.logEndOffset()).isEqualTo(60);
        AppendInfo retry = send((short) 0, 55, 5);
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(55);
        assertThatThrownBy(() -> send((short) 0, 70, 5)).isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(send((short) 0, 60, 5).firstOffset()).isEqualTo(60);
    }

    @Test
    void idleProducersExpireByTheirLastBatchTimestamp() {
        send((short) 0, 0, 1);
        env.time.advance(999);
        log.expireProducers(1000);
        assertThat(log.activeProducers()).extracting(ActiveProducer::producerId).containsExactly(PID);
        env.time.advance(1);
        log.expireProducers(1000);
        assertThat(log.activeProducers()).isEmpty();
        assertThat(send((short) 0, 1, 1).duplicate()).isFalse();
    }
}
