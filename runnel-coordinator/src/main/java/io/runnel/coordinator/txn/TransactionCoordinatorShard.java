package io.runnel.coordinator.txn;

import io.runnel.coordinator.runtime.CoordinatorRecord;
import io.runnel.coordinator.runtime.CoordinatorResult;
import io.runnel.coordinator.runtime.CoordinatorShard;
import io.runnel.coordinator.runtime.CoordinatorTimer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ConcurrentTransactionsException;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The transaction coordinator of one {@code __transaction_state} partition: the transactional ids
 * of the partition and their transactions. Requests compute the next {@link TransactionMetadata}
 * and answer its record; the map changes only in {@link #replay}. Client errors are thrown as
 * Kafka's {@code ApiException}s, which the coordinator turns into error codes.
 *
 * <p>The runtime replays a write's records as soon as they are appended, so the next request
 * already sees a transaction in PrepareCommit/PrepareAbort: that state alone makes concurrent
 * requests wait (CONCURRENT_TRANSACTIONS) while the markers are written, without Kafka's pending
 * state.
 *
 * <p>Timers (injected {@link Time}, milliseconds): every {@code abortTimedOutTransactionsIntervalMs}
 * the coordinator aborts ongoing transactions older than their timeout; every
 * {@code removeExpiredTransactionalIdsIntervalMs} idle ids are tombstoned.
 *
 * <p>Thread-safety: confined to the shard's thread.
 */
public final class TransactionCoordinatorShard implements CoordinatorShard {
    private static final Logger log = LoggerFactory.getLogger(TransactionCoordinatorShard.class);
    static final String ABORT_TIMER = "abort-timed-out-transactions";
    static final String EXPIRY_TIMER = "expire-transactional-ids";
    /** How long a failed marker write waits before it is tried again, in milliseconds. */
    static final long MARKER_RETRY_BACKOFF_MS = 1_000;

    private final int partition;
    private final int coordinatorEpoch;
    private final TransactionConfig config;
    private final Time time;
    private final CoordinatorTimer timer;
    private final MarkerScheduler markers;
    private final Map<String, TransactionMetadata> transactions = new HashMap<>();

    /** @param coordinatorEpoch the leader epoch of the partition here, which the markers carry */
    TransactionCoordinatorShard(int partition, int coordinatorEpoch, TransactionConfig config, Time time,
                                CoordinatorTimer timer, MarkerScheduler markers) {
        this.partition = partition;
        this.coordinatorEpoch = coordinatorEpoch;
        this.config = config;
        this.time = time;
        this.timer = timer;
        this.markers = markers;
    }

    @Override
    public void replay(CoordinatorRecord record) {
        if (record.type() != TransactionRecords.TYPE) {
            log.debug("Skipping a __transaction_state record of unknown type {}", record.type());
            return;
        }
        String transactionalId = TransactionRecords.readKey(record.key());
        if (record.isTombstone()) {
            transactions.remove(transactionalId);
        } else {
            transactions.put(transactionalId, TransactionRecords.readValue(transactionalId, record.value()));
        }
    }

    /** Starts the timers and resumes the markers of transactions the previous leader left in a Prepare state. */
    @Override
    public void onLoaded() {
        scheduleTimedOutAborts();
        scheduleExpiry();
        for (TransactionMetadata m : transactions.values()) {
            if (m.state().isPrepare()) {
                PendingMarkers pending = PendingMarkers.of(m, coordinatorEpoch);
                // A timer, so the marker write starts once the shard serves requests.
                timer.schedule(markerTimerKey(m.transactionalId()), 0, () -> {
                    markers.writeMarkers(partition, pending);
                    return CoordinatorResult.of(null);
                });
            }
        }
    }

    /** The state of {@code transactionalId}, or null. */
    public TransactionMetadata transaction(String transactionalId) {
        return transactions.get(transactionalId);
    }

    /**
     * InitProducerId of a transactional id (the request was validated). A new id, or an id whose
     * epoch is exhausted, needs {@code newProducerId}: without one (-1) the outcome asks for it.
     * An ongoing transaction is aborted first with a fencing epoch; the answer is then
     * CONCURRENT_TRANSACTIONS and the client retries once the abort completed.
     *
     * @param expectedProducerId the producer id the producer says it has (KIP-360), or -1
     * @param expectedEpoch      its epoch, or -1
     */
    public CoordinatorResult<ShardOutcome<InitProducerIdResponseData>> initProducerId(
            String transactionalId, int timeoutMs, long expectedProducerId, short expectedEpoch, long newProducerId) {
        long now = time.milliseconds();
        TransactionMetadata current = transactions.get(transactionalId);
        if (current == null) {
            if (newProducerId < 0) {
                return CoordinatorResult.of(ShardOutcome.producerIdNeeded());
            }
            current = TransactionMetadata.fresh(transactionalId, newProducerId, timeoutMs, now);
        }
        boolean expected = expectedProducerId != RecordBatch.NO_PRODUCER_ID;
        if (expected && !isValidExpectedProducerId(current, expectedProducerId, expectedEpoch)) {
            throw new ProducerFencedException("producer " + expectedProducerId + " of " + transactionalId
                    + " was fenced");
        }
        TransactionMetadata next;
        switch (current.state()) {
            case PREPARE_COMMIT, PREPARE_ABORT -> throw new ConcurrentTransactionsException(
                    "the last transaction of " + transactionalId + " is still completing");
            case ONGOING -> {
                TransactionMetadata aborting = current.fenceProducerEpoch().prepareEnd(TransactionState.PREPARE_ABORT,
                        current.clientTransactionVersion(), RecordBatch.NO_PRODUCER_ID, now, false);
                log.info("Fencing producer {} of {} at epoch {}: aborting its ongoing transaction", current.producerId(),
                        transactionalId, current.producerEpoch());
                return new CoordinatorResult<>(List.of(TransactionRecords.record(aborting)), ShardOutcome.withMarkers(
                        initError(Errors.CONCURRENT_TRANSACTIONS), PendingMarkers.of(aborting, coordinatorEpoch)));
            }
            case EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT -> {
                if (current.isProducerEpochExhausted() && (!expected || expectedEpoch == current.producerEpoch())) {
                    if (newProducerId < 0) {
                        return CoordinatorResult.of(ShardOutcome.producerIdNeeded());
                    }
                    next = current.rotateProducerId(newProducerId, timeoutMs, now, expected);
                } else {
                    next = current.incrementProducerEpoch(timeoutMs, expected ? expectedEpoch : null, now);
                }
            }
            default -> throw new IllegalStateException(transactionalId + " is in state " + current.state());
        }
        InitProducerIdResponseData response = new InitProducerIdResponseData().setProducerId(next.producerId())
                .setProducerEpoch(next.producerEpoch());
        return new CoordinatorResult<>(List.of(TransactionRecords.record(next)), ShardOutcome.answer(response));
    }

    /**
     * KIP-360: a producer naming its producer id and epoch is fenced unless the id was just created,
     * is the current one (the epoch is checked by the bump), or is the previous one with an
     * exhausted epoch (a retry of the rotation that answered a new id).
     */
    private static boolean isValidExpectedProducerId(TransactionMetadata m, long producerId, short epoch) {
        return m.producerEpoch() == RecordBatch.NO_PRODUCER_EPOCH || producerId == m.producerId()
                || (producerId == m.previousProducerId() && TransactionMetadata.isEpochExhausted(epoch));
    }

    /**
     * AddPartitionsToTxn (and AddOffsetsToTxn): the transaction becomes or stays ongoing.
     *
     * @param transactionVersion the version the request shows ({@link TransactionMetadata#TV_2} for
     *                           AddPartitionsToTxn v4+), or -1 to keep the transaction's
     */
    public CoordinatorResult<Errors> addPartitions(String transactionalId, long producerId, short producerEpoch,
                                                   Set<TopicPartition> partitions, short transactionVersion) {
        TransactionMetadata current = checkProducer(transactionalId, producerId, producerEpoch);
        if (current.state().isPrepare()) {
            throw new ConcurrentTransactionsException("the last transaction of " + transactionalId
                    + " is still completing");
        }
        if (current.state() == TransactionState.ONGOING && current.partitions().containsAll(partitions)) {
            return CoordinatorResult.of(Errors.NONE);
        }
        short version = transactionVersion < 0 ? current.clientTransactionVersion() : transactionVersion;
        TransactionMetadata next = current.addPartitions(partitions, time.milliseconds(), version);
        return new CoordinatorResult<>(List.of(TransactionRecords.record(next)), Errors.NONE);
    }

    /**
     * AddPartitionsToTxn v4+ with verifyOnly (a broker checking a transactional produce): per
     * partition NONE when it is in the ongoing transaction, else TRANSACTION_ABORTABLE (Kafka's
     * answer; the broker turns it into INVALID_TXN_STATE for producers that predate it).
     */
    public Map<TopicPartition, Errors> verifyPartitions(String transactionalId, long producerId, short producerEpoch,
                                                        Set<TopicPartition> partitions) {
        TransactionMetadata current = checkProducer(transactionalId, producerId, producerEpoch);
        if (current.state().isPrepare()) {
            throw new ConcurrentTransactionsException("the last transaction of " + transactionalId
                    + " is still completing");
        }
        Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
        partitions.forEach(tp -> errors.put(tp, current.partitions().contains(tp) ? Errors.NONE
                : Errors.TRANSACTION_ABORTABLE));
        return errors;
    }

    private TransactionMetadata checkProducer(String transactionalId, long producerId, short producerEpoch) {
        TransactionMetadata current = transactions.get(transactionalId);
        if (current == null || current.producerId() != producerId) {
            throw new InvalidPidMappingException("producer " + producerId + " is not the producer of "
                    + transactionalId);
        }
        if (current.producerEpoch() != producerEpoch) {
            throw new ProducerFencedException("epoch " + producerEpoch + " of " + transactionalId
                    + " is not the current epoch " + current.producerEpoch());
        }
        return current;
    }

    /**
     * EndTxn from a client. Transaction version 2 (EndTxn v5+) bumps the epoch and answers the
     * producer id and epoch to continue with; an exhausted epoch then needs {@code newProducerId}.
     */
    public CoordinatorResult<ShardOutcome<EndTxnResponseData>> endTxn(String transactionalId, long producerId,
                                                                      short producerEpoch, boolean commit,
                                                                      boolean transactionVersion2, long newProducerId) {
        TransactionMetadata current = transactions.get(transactionalId);
        if (current == null) {
            throw new InvalidPidMappingException("no producer for " + transactionalId);
        }
        return transactionVersion2
                ? TransactionEnds.endV2(current, producerId, producerEpoch, commit, newProducerId, this::prepare)
                : TransactionEnds.endV1(current, producerId, producerEpoch, commit, this::prepare);
    }

    /** The records and outcome of moving {@code current} to a Prepare state. */
    CoordinatorResult<ShardOutcome<EndTxnResponseData>> prepare(TransactionMetadata current, TransactionState next,
                                                                short transactionVersion, long nextProducerId,
                                                                boolean noPartitionAdded) {
        long now = time.milliseconds();
        TransactionMetadata prepared = current.prepareEnd(next, transactionVersion, nextProducerId, now,
                noPartitionAdded);
        TransactionMetadata completed = prepared.complete(now);
        EndTxnResponseData response = new EndTxnResponseData();
        if (transactionVersion >= TransactionMetadata.TV_2) {
            response.setProducerId(completed.producerId()).setProducerEpoch(completed.producerEpoch());
        } else {
            response.setProducerId(RecordBatch.NO_PRODUCER_ID).setProducerEpoch(RecordBatch.NO_PRODUCER_EPOCH);
        }
        return new CoordinatorResult<>(List.of(TransactionRecords.record(prepared)),
                ShardOutcome.withMarkers(response, PendingMarkers.of(prepared, coordinatorEpoch)));
    }

    /** The markers are written: the Complete record, unless the transaction moved on meanwhile. */
    public CoordinatorResult<Void> completeTransaction(PendingMarkers written) {
        TransactionMetadata current = transactions.get(written.transactionalId());
        if (!isStillPending(current, written)) {
            return CoordinatorResult.of(null);
        }
        timer.cancel(markerTimerKey(current.transactionalId()));
        TransactionMetadata completed = current.complete(time.milliseconds());
        return new CoordinatorResult<>(List.of(TransactionRecords.record(completed)), null);
    }

    /** A marker write failed: try it again after {@link #MARKER_RETRY_BACKOFF_MS}, if still pending. */
    public CoordinatorResult<Void> retryMarkersLater(PendingMarkers failed) {
        timer.schedule(markerTimerKey(failed.transactionalId()), MARKER_RETRY_BACKOFF_MS, () -> {
            TransactionMetadata current = transactions.get(failed.transactionalId());
            if (isStillPending(current, failed)) {
                markers.writeMarkers(partition, PendingMarkers.of(current, coordinatorEpoch));
            }
            return CoordinatorResult.of(null);
        });
        return CoordinatorResult.of(null);
    }

    private static boolean isStillPending(TransactionMetadata current, PendingMarkers pending) {
        return current != null && current.state().isPrepare() && current.producerId() == pending.producerId()
                && current.producerEpoch() == pending.producerEpoch()
                && (current.state() == TransactionState.PREPARE_COMMIT) == pending.commit();
    }

    /**
     * Aborts ongoing transactions older than their timeout, with an epoch bump that fences their
     * producer (as InitProducerId would). Answers the markers to write once the records commit.
     */
    public CoordinatorResult<List<PendingMarkers>> abortTimedOutTransactions() {
        long now = time.milliseconds();
        List<CoordinatorRecord> records = new ArrayList<>();
        List<PendingMarkers> pending = new ArrayList<>();
        for (TransactionMetadata m : transactions.values()) {
            if (m.state() == TransactionState.ONGOING && m.txnStartTimestamp() + m.timeoutMs() < now) {
                TransactionMetadata aborting = m.fenceProducerEpoch().prepareEnd(TransactionState.PREPARE_ABORT,
                        m.clientTransactionVersion(), RecordBatch.NO_PRODUCER_ID, now, false);
                log.info("Aborting the transaction of {} (producer {}, epoch {}): it timed out after {} ms",
                        m.transactionalId(), m.producerId(), m.producerEpoch(), m.timeoutMs());
                records.add(TransactionRecords.record(aborting));
                pending.add(PendingMarkers.of(aborting, coordinatorEpoch));
            }
        }
        return new CoordinatorResult<>(records, pending);
    }

    /** Tombstones for ids idle (no transaction in flight) longer than {@code transactionalIdExpirationMs}. */
    CoordinatorResult<Void> expireTransactionalIds() {
        long now = time.milliseconds();
        List<CoordinatorRecord> records = new ArrayList<>();
        for (TransactionMetadata m : transactions.values()) {
            if (m.state().isExpirationAllowed()
                    && m.txnLastUpdateTimestamp() <= now - config.transactionalIdExpirationMs()) {
                records.add(TransactionRecords.tombstone(m.dead().transactionalId())); // dead() checks the transition
            }
        }
        if (!records.isEmpty()) {
            log.info("Expiring {} idle transactional ids of __transaction_state partition {}", records.size(),
                    partition);
        }
        return new CoordinatorResult<>(records, null);
    }

    /** DescribeTransactions of one id. */
    public DescribeTransactionsResponseData.TransactionState describe(String transactionalId) {
        var described = new DescribeTransactionsResponseData.TransactionState().setTransactionalId(transactionalId);
        TransactionMetadata m = transactions.get(transactionalId);
        if (m == null) {
            return described.setErrorCode(Errors.TRANSACTIONAL_ID_NOT_FOUND.code());
        }
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        m.partitions().forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        byTopic.forEach((topic, partitions) -> described.topics().add(new DescribeTransactionsResponseData.TopicData()
                .setTopic(topic).setPartitions(partitions.stream().sorted().toList())));
        return described.setProducerId(m.producerId()).setProducerEpoch(m.producerEpoch())
                .setTransactionState(m.state().displayName()).setTransactionTimeoutMs(m.timeoutMs())
                .setTransactionStartTimeMs(m.txnStartTimestamp());
    }

    /** ListTransactions' entries of this shard that {@code filter} accepts. */
    public List<ListTransactionsResponseData.TransactionState> list(Predicate<TransactionMetadata> filter) {
        List<ListTransactionsResponseData.TransactionState> listed = new ArrayList<>();
        for (TransactionMetadata m : transactions.values()) {
            if (filter.test(m)) {
                listed.add(new ListTransactionsResponseData.TransactionState().setTransactionalId(m.transactionalId())
                        .setProducerId(m.producerId()).setTransactionState(m.state().displayName()));
            }
        }
        return listed;
    }

    private void scheduleTimedOutAborts() {
        timer.schedule(ABORT_TIMER, config.abortTimedOutTransactionsIntervalMs(), () -> {
            scheduleTimedOutAborts();
            markers.abortTimedOutTransactions(partition);
            return CoordinatorResult.of(null);
        });
    }

    private void scheduleExpiry() {
        timer.schedule(EXPIRY_TIMER, config.removeExpiredTransactionalIdsIntervalMs(), () -> {
            scheduleExpiry();
            return expireTransactionalIds();
        });
    }

    private static String markerTimerKey(String transactionalId) {
        return "markers-" + transactionalId;
    }

    static InitProducerIdResponseData initError(Errors error) {
        return new InitProducerIdResponseData().setErrorCode(error.code())
                .setProducerId(RecordBatch.NO_PRODUCER_ID).setProducerEpoch(RecordBatch.NO_PRODUCER_EPOCH);
    }

    static InvalidTxnStateException invalidTransition(TransactionMetadata m, boolean commit) {
        return new InvalidTxnStateException(m.transactionalId() + " is in state " + m.state().displayName()
                + " and cannot " + (commit ? "commit" : "abort"));
    }
}
