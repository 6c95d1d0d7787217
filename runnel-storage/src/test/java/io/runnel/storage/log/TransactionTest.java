package io.runnel.storage.log;

import io.runnel.storage.AbortedTxn;
import io.runnel.storage.ActiveProducer;
import io.runnel.storage.AppendInfo;
import io.runnel.storage.Batches;
import io.runnel.storage.LogConfig;
import io.runnel.storage.VerificationGuard;
import io.runnel.storage.index.TransactionIndex;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransactionTest {
    static final long PID = 42L;
    static final long OTHER = 43L;

    @TempDir
    Path root;
    TestLog env;
    LogConfig config = TestLog.config(Map.of("internal.segment.bytes", "1024"));
    SegmentedLog log;

    @BeforeEach
    void setUp() throws IOException {
        env = new TestLog(root);
        log = env.create(config);
    }

    @AfterEach
    void tearDown() throws Exception {
        log.abandon();
        env.close();
    }

    private AppendInfo plain(int count) {
        return log.appendAsLeader(Batches.of(env.time.milliseconds(), count), 0);
    }

    private AppendInfo txn(long pid, short epoch, int seq, int count) {
        return log.appendAsLeader(Batches.transactional(env.time.milliseconds(), count, pid, epoch, seq), 0);
    }

    private void toEnd() {
        log.updateHighWatermark(log.logEndOffset());
    }

    @Test
    void anOngoingTransactionHoldsTheLastStableOffsetUntilItsCommitMarkerIsBelowTheHighWatermark() {
        plain(2);
        AppendInfo first = txn(PID, (short) 0, 0, 2);
        plain(1);
        toEnd();
        assertThat(log.hasOngoingTransaction(PID)).isTrue();
        assertThat(log.lastStableOffset()).isEqualTo(first.firstOffset()).isEqualTo(2);

        AppendInfo marker = log.appendMarker(PID, (short) 0, true, 0, 0);

        assertThat(marker.firstOffset()).isEqualTo(5);
        assertThat(log.hasOngoingTransaction(PID)).isFalse();
        assertThat(log.lastStableOffset()).as("the marker is not yet below the high watermark").isEqualTo(2);
        toEnd();
        assertThat(log.lastStableOffset()).isEqualTo(6);
        assertThat(log.abortedTransactions(0, 6)).isEmpty();
    }

    @Test
    void anAbortedTransactionIsListedAndWrittenToTheIndexOfTheMarkersSegment() throws IOException {
        txn(PID, (short) 0, 0, 3);
        AppendInfo marker = log.appendMarker(PID, (short) 0, false, 7, 0);
        toEnd();

        assertThat(log.lastStableOffset()).isEqualTo(4);
        assertThat(log.abortedTransactions(0, 4)).containsExactly(new AbortedTxn(PID, 0, marker.firstOffset()));
        assertThat(log.abortedTransactions(4, 10)).isEmpty();
        assertThat(log.abortedTransactions(3, 10)).hasSize(1);
        Path index = SegmentFiles.file(env.dir, 0, SegmentFiles.TXN_INDEX);
        ByteBuffer entry = ByteBuffer.wrap(Files.readAllBytes(index));
        assertThat(entry.remaining()).isEqualTo(TransactionIndex.ENTRY_SIZE);
        assertThat(entry.getShort()).isZero();
        assertThat(entry.getLong()).isEqualTo(PID);
        assertThat(entry.getLong()).isZero();
        assertThat(entry.getLong()).isEqualTo(3);
        assertThat(entry.getLong()).as("last stable offset after the marker").isEqualTo(4);
        MutableRecordBatch control = Batches.batchesOf(log.read(3, 1000, 4, true).records()).get(0);
        assertThat(control.isControlBatch()).isTrue();
        assertThat(TxnMarkers.of(control).controlType()).isEqualTo(ControlRecordType.ABORT);
        assertThat(TxnMarkers.of(control).coordinatorEpoch()).isEqualTo(7);
    }

    @Test
    void interleavedTransactionsKeepTheEarliestUndecidedOne() {
        AppendInfo a = txn(PID, (short) 0, 0, 1);
        AppendInfo b = txn(OTHER, (short) 0, 0, 1);
        txn(PID, (short) 0, 1, 1);
        log.appendMarker(OTHER, (short) 0, false, 0, 0);
        toEnd();
        assertThat(log.lastStableOffset()).isEqualTo(a.firstOffset());
        log.appendMarker(PID, (short) 0, true, 0, 0);
        assertThat(log.lastStableOffset()).isEqualTo(a.firstOffset());
        toEnd();
        assertThat(log.lastStableOffset()).isEqualTo(log.logEndOffset());
        assertThat(log.abortedTransactions(0, 100)).containsExactly(new AbortedTxn(OTHER, b.firstOffset(), 3));
    }

    @Test
    void anAbortedTransactionStartingInAnEarlierSegmentIsFoundFromALaterFetchOffset() {
        AppendInfo first = txn(PID, (short) 0, 0, 1);
        int seq = 1;
        while (log.numberOfSegments() < 3) {
            txn(PID, (short) 0, seq, 5);
            seq += 5;
        }
        AppendInfo marker = log.appendMarker(PID, (short) 0, false, 0, 0);
        toEnd();
        long fetchInSecond = log.segmentBaseOffsets().get(1);

        assertThat(log.abortedTransactions(fetchInSecond, log.logEndOffset()))
                .containsExactly(new AbortedTxn(PID, first.firstOffset(), marker.firstOffset()));
        assertThat(log.abortedTransactions(0, 1)).hasSize(1);
    }

    @Test
    void aMarkerWithoutAnOngoingTransactionIsAppendedAndCompletesNothing() {
        plain(1);
        AppendInfo marker = log.appendMarker(PID, (short) 0, false, 0, 0);
        toEnd();
        assertThat(marker.firstOffset()).isEqualTo(1);
        assertThat(log.logEndOffset()).isEqualTo(2);
        assertThat(log.abortedTransactions(0, 2)).isEmpty();
        assertThat(log.lastStableOffset()).isEqualTo(2);
    }

    @Test
    void followersTrackTransactionsAndBuildTheSameIndex() throws IOException {
        txn(PID, (short) 0, 0, 2);
        plain(1);
        txn(OTHER, (short) 0, 0, 1);
        log.appendMarker(PID, (short) 0, false, 3, 0);
        Path followerRoot = root.resolve("follower");
        try (TestLog followerEnv = new TestLog(followerRoot)) {
            SegmentedLog follower = followerEnv.create(config);
            try {
                follower.appendAsFollower(Batches.bytesOf(log.read(0, Integer.MAX_VALUE, Long.MAX_VALUE, true)
                        .records()));
                follower.updateHighWatermark(follower.logEndOffset());
                toEnd();
                assertThat(follower.hasOngoingTransaction(OTHER)).isTrue();
                assertThat(follower.hasOngoingTransaction(PID)).isFalse();
                assertThat(follower.lastStableOffset()).isEqualTo(log.lastStableOffset()).isEqualTo(3);
                assertThat(follower.abortedTransactions(0, 10)).isEqualTo(log.abortedTransactions(0, 10))
                        .containsExactly(new AbortedTxn(PID, 0, 4));
                assertThat(follower.activeProducers()).filteredOn(p -> p.producerId() == PID)
                        .extracting(ActiveProducer::coordinatorEpoch).containsExactly(3);
            } finally {
                follower.abandon();
            }
        }
    }

    @Test
    void theIndexSurvivesACleanRestartAndIsRebuiltByRecovery() throws IOException {
        txn(PID, (short) 0, 0, 2);
        log.appendMarker(PID, (short) 0, false, 0, 0);
        txn(PID, (short) 0, 2, 1);
        log.appendMarker(PID, (short) 0, false, 0, 0);
        toEnd();
        List<AbortedTxn> expected = log.abortedTransactions(0, 100);
        assertThat(expected).hasSize(2);

        log.close();
        log = env.reopen(config, true, new LogLoader.Checkpoints(0, 0, log.logEndOffset()));
        assertThat(log.abortedTransactions(0, 100)).isEqualTo(expected);

        log.abandon();
        Files.delete(SegmentFiles.file(env.dir, 0, SegmentFiles.TXN_INDEX));
        try (var snapshots = Files.list(env.dir)) {
            for (Path p : snapshots.filter(f -> f.toString().endsWith(".snapshot")).toList()) {
                Files.delete(p);
            }
        }
        log = env.reopen(config, false, new LogLoader.Checkpoints(0, 0, 5));
        assertThat(log.abortedTransactions(0, 100)).isEqualTo(expected);
        assertThat(log.lastStableOffset()).isEqualTo(5);
    }

    @Test
    void recoveryRebuildsTheEntriesAfterTheRecoveryPointThatTheCrashLost() throws IOException {
        txn(PID, (short) 0, 0, 2);
        log.appendMarker(PID, (short) 0, false, 0, 0);
        log.flush();
        long recoveryPoint = log.recoveryPoint();
        txn(OTHER, (short) 0, 0, 1);
        log.appendMarker(OTHER, (short) 0, false, 0, 0);
        toEnd();
        List<AbortedTxn> expected = log.abortedTransactions(0, 100);
        assertThat(expected).hasSize(2);
        log.abandon();
        Path index = SegmentFiles.file(env.dir, 0, SegmentFiles.TXN_INDEX);
        byte[] flushed = Arrays.copyOf(Files.readAllBytes(index), TransactionIndex.ENTRY_SIZE);
        Files.write(index, flushed);

        log = env.reopen(config, false, new LogLoader.Checkpoints(recoveryPoint, 0, 3));

        assertThat(log.abortedTransactions(0, 100)).isEqualTo(expected);
        assertThat(Files.size(index)).isEqualTo(2L * TransactionIndex.ENTRY_SIZE);
    }

    @Test
    void aCorruptIndexIsRebuiltOnLoad() throws IOException {
        txn(PID, (short) 0, 0, 2);
        log.appendMarker(PID, (short) 0, false, 0, 0);
        toEnd();
        List<AbortedTxn> expected = log.abortedTransactions(0, 100);
        log.close();
        Files.write(SegmentFiles.file(env.dir, 0, SegmentFiles.TXN_INDEX), new byte[]{1, 2, 3});

        log = env.reopen(config, true, new LogLoader.Checkpoints(0, 0, 3));

        assertThat(log.abortedTransactions(0, 100)).isEqualTo(expected);
        assertThat(Files.size(SegmentFiles.file(env.dir, 0, SegmentFiles.TXN_INDEX)))
                .isEqualTo(TransactionIndex.ENTRY_SIZE);
    }

    @Test
    void truncationThatRemovesAMarkerReopensTheTransaction() {
        AppendInfo first = txn(PID, (short) 0, 0, 2);
        AppendInfo marker = log.appendMarker(PID, (short) 0, false, 0, 0);
        assertThat(log.abortedTransactions(0, 100)).hasSize(1);

        log.truncateTo(marker.firstOffset());
        toEnd();

        assertThat(log.hasOngoingTransaction(PID)).isTrue();
        assertThat(log.lastStableOffset()).isEqualTo(first.firstOffset());
        assertThat(log.abortedTransactions(0, 100)).isEmpty();
        log.appendMarker(PID, (short) 0, true, 0, 0);
        toEnd();
        assertThat(log.lastStableOffset()).isEqualTo(log.logEndOffset());
        assertThat(log.abortedTransactions(0, 100)).isEmpty();
    }

    @Test
    void anOngoingTransactionSurvivesARestartThroughTheSnapshot() throws IOException {
        plain(1);
        AppendInfo first = txn(PID, (short) 0, 0, 2);
        log.roll();
        plain(3);
        toEnd();
        long end = log.logEndOffset();
        log.close();

        log = env.reopen(config, true, new LogLoader.Checkpoints(0, 0, end));

        assertThat(log.hasOngoingTransaction(PID)).isTrue();
        assertThat(log.lastStableOffset()).isEqualTo(first.firstOffset());
        assertThat(log.activeProducers()).singleElement()
                .extracting(ActiveProducer::currentTxnStartOffset).isEqualTo(first.firstOffset());
        log.appendMarker(PID, (short) 0, false, 0, 0);
        toEnd();
        assertThat(log.abortedTransactions(0, 100))
                .containsExactly(new AbortedTxn(PID, first.firstOffset(), end));
    }

    @Test
    void markersAreFencedByProducerAndCoordinatorEpoch() {
        txn(PID, (short) 3, 0, 1);
        log.appendMarker(PID, (short) 3, true, 5, 0);
        long end = log.logEndOffset();

        assertThatThrownBy(() -> log.appendMarker(PID, (short) 2, true, 5, 0))
                .isInstanceOf(InvalidProducerEpochException.class);
        assertThatThrownBy(() -> log.appendMarker(PID, (short) 3, true, 4, 0))
                .isInstanceOf(TransactionCoordinatorFencedException.class);
        assertThat(log.logEndOffset()).isEqualTo(end);
        assertThat(log.activeProducers()).singleElement().satisfies(p -> {
            assertThat(p.coordinatorEpoch()).isEqualTo(5);
            assertThat(p.currentTxnStartOffset()).isEqualTo(-1);
        });
    }

    @Test
    void aMarkerWithAHigherEpochBumpsTheProducerSoItsNextTransactionStartsAtSequenceZero() {
        txn(PID, (short) 0, 0, 3);
        log.appendMarker(PID, (short) 1, true, 0, 0);

        assertThat(log.activeProducers()).singleElement().satisfies(p -> {
            assertThat(p.producerEpoch()).isEqualTo((short) 1);
            assertThat(p.lastSequence()).isEqualTo(-1);
        });
        assertThatThrownBy(() -> txn(PID, (short) 1, 3, 1)).isInstanceOf(OutOfOrderSequenceException.class);
        assertThatThrownBy(() -> txn(PID, (short) 0, 3, 1)).isInstanceOf(InvalidProducerEpochException.class);
        AppendInfo next = txn(PID, (short) 1, 0, 1);
        assertThat(log.hasOngoingTransaction(PID)).isTrue();
        assertThat(log.activeProducers()).singleElement()
                .extracting(ActiveProducer::currentTxnStartOffset).isEqualTo(next.firstOffset());
    }

    @Test
    void transactionalBatchesFollowTheIdempotentSequenceRules() {
        AppendInfo original = txn(PID, (short) 0, 0, 2);
        AppendInfo retry = txn(PID, (short) 0, 0, 2);
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(original.firstOffset());
        assertThatThrownBy(() -> txn(PID, (short) 0, 5, 1)).isInstanceOf(OutOfOrderSequenceException.class);
    }

    @Test
    void theVerificationGuardGatesTheStartOfATransactionAndAMarkerRetiresIt() {
        VerificationGuard guard = log.verificationGuard(PID);
        assertThat(log.verificationGuard(PID)).isSameAs(guard);
        MemoryRecords unverified = Batches.transactional(env.time.milliseconds(), 1, PID, (short) 0, 0);
        assertThatThrownBy(() -> log.appendAsLeader(unverified, 0, new VerificationGuard()))
                .isInstanceOf(InvalidTxnStateException.class);
        assertThat(log.logEndOffset()).isZero();

        log.appendAsLeader(Batches.transactional(env.time.milliseconds(), 1, PID, (short) 0, 0), 0, guard);
        log.appendAsLeader(Batches.transactional(env.time.milliseconds(), 1, PID, (short) 0, 1), 0,
                new VerificationGuard());
        log.appendMarker(PID, (short) 0, true, 0, 0);

        MemoryRecords late = Batches.transactional(env.time.milliseconds(), 1, PID, (short) 0, 2);
        assertThatThrownBy(() -> log.appendAsLeader(late, 0, guard)).isInstanceOf(InvalidTxnStateException.class);
        VerificationGuard next = log.verificationGuard(PID);
        assertThat(next).isNotSameAs(guard);
        log.appendAsLeader(Batches.transactional(env.time.milliseconds(), 1, PID, (short) 0, 2), 0, next);
        assertThat(log.hasOngoingTransaction(PID)).isTrue();
    }

    @Test
    void aNonTransactionalBatchIsRefusedWhileTheProducersTransactionIsOngoing() {
        txn(PID, (short) 0, 0, 1);
        MemoryRecords idempotent = Batches.idempotent(env.time.milliseconds(), 1, PID, (short) 0, 1);
        assertThatThrownBy(() -> log.appendAsLeader(idempotent, 0)).isInstanceOf(InvalidTxnStateException.class);
        log.appendMarker(PID, (short) 0, true, 0, 0);
        log.appendAsLeader(Batches.idempotent(env.time.milliseconds(), 1, PID, (short) 0, 1), 0);
        assertThat(log.hasOngoingTransaction(PID)).isFalse();
    }

    @Test
    void anUnverifiedAppendSkipsTheGuardCheck() {
        log.verificationGuard(PID);
        log.appendAsLeader(Batches.transactional(env.time.milliseconds(), 1, PID, (short) 0, 0), 0, null);
        assertThat(log.hasOngoingTransaction(PID)).isTrue();
    }

    @Test
    void describeProducersReportsTheTransactionStartAndCoordinatorEpoch() {
        plain(1);
        txn(PID, (short) 2, 0, 1);
        assertThat(log.activeProducers()).singleElement().satisfies(p -> {
            assertThat(p.currentTxnStartOffset()).isEqualTo(1);
            assertThat(p.producerEpoch()).isEqualTo((short) 2);
        });
        log.appendMarker(PID, (short) 2, false, 9, 0);
        assertThat(log.activeProducers()).singleElement().satisfies(p -> {
            assertThat(p.currentTxnStartOffset()).isEqualTo(-1);
            assertThat(p.coordinatorEpoch()).isEqualTo(9);
        });
    }

    @Test
    void retentionAndDeleteRecordsDeleteTheIndexWithItsSegment() throws IOException {
        int seq = 0;
        while (log.numberOfSegments() < 3) {
            txn(PID, (short) 0, seq, 3);
            seq += 3;
            log.appendMarker(PID, (short) 0, false, 0, 0);
        }
        toEnd();
        long secondBase = log.segmentBaseOffsets().get(1);
        assertThat(SegmentFiles.file(env.dir, 0, SegmentFiles.TXN_INDEX)).exists();

        log.deleteRecordsBefore(secondBase);
        env.deletePending();

        assertThat(SegmentFiles.file(env.dir, 0, SegmentFiles.TXN_INDEX)).doesNotExist();
        assertThat(log.abortedTransactions(secondBase, log.logEndOffset()))
                .allSatisfy(t -> assertThat(t.lastOffset()).isGreaterThanOrEqualTo(secondBase));
        assertThat(log.abortedTransactions(secondBase, log.logEndOffset())).isNotEmpty();
    }
}
