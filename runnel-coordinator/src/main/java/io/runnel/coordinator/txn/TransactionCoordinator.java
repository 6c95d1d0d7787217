package io.runnel.coordinator.txn;

import io.runnel.coordinator.runtime.CoordinatorErrors;
import io.runnel.coordinator.runtime.CoordinatorLog;
import io.runnel.coordinator.runtime.CoordinatorResult;
import io.runnel.coordinator.runtime.CoordinatorRuntime;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnResult;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * The transaction coordinator's entry point for request handlers: routes each transactional id to
 * the shard of its {@code __transaction_state} partition and turns coordinator failures into the
 * error codes of each response. Every method returns at once; answers complete on shard threads.
 *
 * <p>A transaction ends in three steps: the Prepare record is written and committed (EndTxn is
 * answered then), the markers are written through the {@link TransactionMarkerWriter}, and the
 * Complete record is written. A new leader of the partition resumes step two for transactions it
 * loads in a Prepare state. Producer ids come from the {@link ProducerIdSource} before the shard
 * write that needs them, so no shard thread waits for one.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class TransactionCoordinator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TransactionCoordinator.class);
    /** How often shard timers are checked, in milliseconds: the precision of timeouts and expiry. */
    private static final long TIMER_TICK_MS = 50;

    private final TransactionConfig config;
    private final int numPartitions;
    private final CoordinatorRuntime<TransactionCoordinatorShard> runtime;
    private final ProducerIdSource producerIds;
    private final TransactionMarkerWriter markerWriter;
    private final ToIntFunction<String> offsetsPartitionForGroup;
    private final Time time;
    private final Map<Integer, Integer> coordinatorEpochs = new ConcurrentHashMap<>();
    private final MarkerScheduler markerScheduler = new MarkerScheduler() {
        @Override
        public void abortTimedOutTransactions(int partition) {
            abortTimedOut(partition);
        }

        @Override
        public void writeMarkers(int partition, PendingMarkers markers) {
            TransactionCoordinator.this.writeMarkers(partition, markers);
        }
    };

    /**
     * @param numPartitions            {@code transaction.state.log.num.partitions}
     * @param numThreads               shard threads
     * @param offsetsPartitionForGroup the {@code __consumer_offsets} partition of a group id
     */
    public TransactionCoordinator(TransactionConfig config, int numPartitions, int numThreads, CoordinatorLog log,
                                  ProducerIdSource producerIds, TransactionMarkerWriter markers,
                                  ToIntFunction<String> offsetsPartitionForGroup, Time time) {
        this.config = config;
        this.numPartitions = numPartitions;
        this.producerIds = producerIds;
        this.markerWriter = markers;
        this.offsetsPartitionForGroup = offsetsPartitionForGroup;
        this.time = time;
        this.runtime = new CoordinatorRuntime<>("transaction", numThreads, TIMER_TICK_MS, log,
                (partition, timer) -> new TransactionCoordinatorShard(partition,
                        coordinatorEpochs.getOrDefault(partition, 0), config, time, timer, markerScheduler),
                time);
    }

    /** The {@code __transaction_state} partition of a transactional id: {@code abs(id.hashCode()) % partitions}. */
    public int partitionFor(String transactionalId) {
        return Utils.abs(transactionalId.hashCode()) % numPartitions;
    }

    /** This broker now leads {@code partition}; its coordinator epoch (which markers carry) is {@code leaderEpoch}. */
    public void onElection(int partition, int leaderEpoch) {
        coordinatorEpochs.merge(partition, leaderEpoch, Math::max);
        runtime.onElection(partition, leaderEpoch);
    }

    public void onResignation(int partition) {
        runtime.onResignation(partition);
    }

    /**
     * InitProducerId. Without a transactional id it only hands out a producer id (epoch 0), as
     * Kafka does for idempotent producers. A request naming a producer id and epoch (v3+, KIP-360)
     * must name both.
     */
    public CompletableFuture<InitProducerIdResponseData> initProducerId(InitProducerIdRequestData request) {
        String transactionalId = request.transactionalId();
        if (transactionalId == null) {
            return producerIds.nextProducerId().handle((id, e) -> e != null
                    ? TransactionCoordinatorShard.initError(CoordinatorErrors.toError(e))
                    : new InitProducerIdResponseData().setProducerId(id).setProducerEpoch((short) 0));
        }
        long expectedId = request.producerId();
        short expectedEpoch = request.producerEpoch();
        if (transactionalId.isEmpty()
                || (expectedId == RecordBatch.NO_PRODUCER_ID) != (expectedEpoch == RecordBatch.NO_PRODUCER_EPOCH)) {
            return CompletableFuture.completedFuture(TransactionCoordinatorShard.initError(Errors.INVALID_REQUEST));
        }
        int timeoutMs = request.transactionTimeoutMs();
        if (timeoutMs <= 0 || timeoutMs > config.maxTimeoutMs()) {
            return CompletableFuture.completedFuture(
                    TransactionCoordinatorShard.initError(Errors.INVALID_TRANSACTION_TIMEOUT));
        }
        return withProducerId(partitionFor(transactionalId),
                newId -> s -> s.initProducerId(transactionalId, timeoutMs, expectedId, expectedEpoch, newId))
                .exceptionally(e -> TransactionCoordinatorShard.initError(CoordinatorErrors.toError(e)));
    }

    /**
     * AddPartitionsToTxn. v0-3 come from producers (one transaction; every partition gets the
     * transaction's error). v4+ come from brokers, batched: {@code verifyOnly} transactions are
     * checked per partition, the others (transaction version 2 producers) are added.
     */
    public CompletableFuture<AddPartitionsToTxnResponseData> addPartitionsToTxn(AddPartitionsToTxnRequestData request,
                                                                                short version) {
        if (version < 4) {
            AddPartitionsToTxnTransaction single = new AddPartitionsToTxnTransaction()
                    .setTransactionalId(request.v3AndBelowTransactionalId())
                    .setProducerId(request.v3AndBelowProducerId())
                    .setProducerEpoch(request.v3AndBelowProducerEpoch())
                    .setTopics(request.v3AndBelowTopics());
            return addOrVerify(single, TransactionMetadata.TV_0).thenApply(result ->
                    new AddPartitionsToTxnResponseData().setResultsByTopicV3AndBelow(result.topicResults()));
        }
        List<CompletableFuture<AddPartitionsToTxnResult>> futures = new ArrayList<>();
        request.transactions().forEach(t -> futures.add(addOrVerify(t, TransactionMetadata.TV_2)));
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply(v -> {
            AddPartitionsToTxnResponseData response = new AddPartitionsToTxnResponseData();
            futures.forEach(f -> response.resultsByTransaction().add(f.join()));
            return response;
        });
    }

    private CompletableFuture<AddPartitionsToTxnResult> addOrVerify(AddPartitionsToTxnTransaction t,
                                                                    short transactionVersion) {
        String id = t.transactionalId();
        Set<TopicPartition> partitions = partitions(t.topics());
        if (id == null || id.isEmpty()) {
            return CompletableFuture.completedFuture(resultOf(id, partitions, Errors.INVALID_REQUEST));
        }
        CompletableFuture<Map<TopicPartition, Errors>> errors;
        if (t.verifyOnly()) {
            // A write without records: answered once earlier writes committed, so no uncommitted add is seen as done.
            errors = runtime.write(partitionFor(id), s -> CoordinatorResult.of(
                    s.verifyPartitions(id, t.producerId(), t.producerEpoch(), partitions)));
        } else {
            errors = runtime.write(partitionFor(id), s -> s.addPartitions(id, t.producerId(), t.producerEpoch(),
                    partitions, transactionVersion)).thenApply(error -> errorsFor(partitions, error));
        }
        return errors.handle((map, e) -> e != null ? resultOf(id, partitions, CoordinatorErrors.toError(e))
                : AddPartitionsToTxnResponse.resultForTransaction(id, map));
    }

    /** AddOffsetsToTxn: adds the group's {@code __consumer_offsets} partition to the transaction. */
    public CompletableFuture<AddOffsetsToTxnResponseData> addOffsetsToTxn(AddOffsetsToTxnRequestData request) {
        String id = request.transactionalId();
        if (id == null || id.isEmpty()) {
            return CompletableFuture.completedFuture(
                    new AddOffsetsToTxnResponseData().setErrorCode(Errors.INVALID_REQUEST.code()));
        }
        TopicPartition offsets = new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME,
                offsetsPartitionForGroup.applyAsInt(request.groupId()));
        return runtime.write(partitionFor(id), s -> s.addPartitions(id, request.producerId(), request.producerEpoch(),
                        Set.of(offsets), (short) -1))
                .handle((error, e) -> new AddOffsetsToTxnResponseData().setErrorCode(
                        (e != null ? CoordinatorErrors.toError(e) : error).code()));
    }

    /**
     * EndTxn. Answered once the Prepare record is committed; the markers follow. v5+ (transaction
     * version 2) answers the producer id and epoch the producer continues with.
     */
    public CompletableFuture<EndTxnResponseData> endTxn(EndTxnRequestData request, short version) {
        String id = request.transactionalId();
        if (id == null || id.isEmpty()) {
            return CompletableFuture.completedFuture(endError(Errors.INVALID_REQUEST));
        }
        boolean transactionVersion2 = version >= 5;
        return withProducerId(partitionFor(id), newId -> s -> s.endTxn(id, request.producerId(),
                request.producerEpoch(), request.committed(), transactionVersion2, newId))
                .exceptionally(e -> endError(CoordinatorErrors.toError(e)));
    }

    /** DescribeTransactions of one id; TRANSACTIONAL_ID_NOT_FOUND when the shard does not know it. */
    public CompletableFuture<DescribeTransactionsResponseData.TransactionState> describeTransaction(
            String transactionalId) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return CompletableFuture.completedFuture(new DescribeTransactionsResponseData.TransactionState()
                    .setTransactionalId(transactionalId).setErrorCode(Errors.INVALID_REQUEST.code()));
        }
        return runtime.read(partitionFor(transactionalId), s -> s.describe(transactionalId))
                .exceptionally(e -> new DescribeTransactionsResponseData.TransactionState()
                        .setTransactionalId(transactionalId).setErrorCode(CoordinatorErrors.toError(e).code()));
    }

    /** ListTransactions over the partitions led here; see {@link TransactionListing} for the filters. */
    public CompletableFuture<ListTransactionsResponseData> listTransactions(ListTransactionsRequestData request) {
        return TransactionListing.list(request, numPartitions, time, runtime);
    }

    @Override
    public void close() {
        runtime.close();
    }

    private void abortTimedOut(int partition) {
        runtime.write(partition, TransactionCoordinatorShard::abortTimedOutTransactions).whenComplete((pending, e) -> {
            if (e != null) {
                log.debug("Aborting timed-out transactions of partition {} failed: {}", partition, e.toString());
            } else {
                pending.forEach(p -> writeMarkers(partition, p));
            }
        });
    }

    /** Writes the markers of a transaction whose Prepare record committed, then its Complete record. */
    private void writeMarkers(int partition, PendingMarkers pending) {
        CompletableFuture<Void> written;
        if (pending.partitions().isEmpty()) {
            written = CompletableFuture.completedFuture(null);
        } else {
            try {
                written = markerWriter.writeMarkers(pending.producerId(), pending.producerEpoch(), pending.commit(),
                        pending.coordinatorEpoch(), pending.partitions());
            } catch (RuntimeException e) {
                written = CompletableFuture.failedFuture(e);
            }
        }
        written.whenComplete((ok, e) -> {
            if (e == null) {
                runtime.write(partition, s -> s.completeTransaction(pending)).whenComplete((done, failure) -> {
                    if (failure != null) {
                        log.debug("Completing the transaction of {} failed (the next leader resumes it): {}",
                                pending.transactionalId(), failure.toString());
                    }
                });
            } else {
                log.warn("Writing the {} markers of {} failed; retrying: {}", pending.commit() ? "COMMIT" : "ABORT",
                        pending.transactionalId(), CoordinatorErrors.unwrap(e).toString());
                runtime.write(partition, s -> s.retryMarkersLater(pending));
            }
        });
    }

    /**
     * Runs a shard operation that may need a new producer id: first without one, then, if it asks,
     * with one from the {@link ProducerIdSource}. Writes the markers its outcome names once its
     * records committed.
     */
    private <T> CompletableFuture<T> withProducerId(
            int partition, Function<Long, Function<TransactionCoordinatorShard, CoordinatorResult<ShardOutcome<T>>>> op) {
        return runtime.write(partition, op.apply(RecordBatch.NO_PRODUCER_ID)).thenCompose(outcome -> {
            if (!outcome.needsProducerId()) {
                return CompletableFuture.completedFuture(outcome);
            }
            return producerIds.nextProducerId().thenCompose(id -> runtime.write(partition, op.apply(id)));
        }).thenApply(outcome -> {
            if (outcome.needsProducerId()) {
                throw new IllegalStateException("a shard asked for a second producer id");
            }
            if (outcome.markers() != null) {
                writeMarkers(partition, outcome.markers());
            }
            return outcome.response();
        });
    }

    private static Set<TopicPartition> partitions(AddPartitionsToTxnTopicCollection topics) {
        Set<TopicPartition> partitions = new LinkedHashSet<>();
        topics.forEach(t -> t.partitions().forEach(p -> partitions.add(new TopicPartition(t.name(), p))));
        return partitions;
    }

    private static Map<TopicPartition, Errors> errorsFor(Set<TopicPartition> partitions, Errors error) {
        Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
        partitions.forEach(tp -> errors.put(tp, error));
        return errors;
    }

    private static AddPartitionsToTxnResult resultOf(String id, Set<TopicPartition> partitions, Errors error) {
        return AddPartitionsToTxnResponse.resultForTransaction(id, errorsFor(partitions, error));
    }

    private static EndTxnResponseData endError(Errors error) {
        return new EndTxnResponseData().setErrorCode(error.code()).setProducerId(RecordBatch.NO_PRODUCER_ID)
                .setProducerEpoch(RecordBatch.NO_PRODUCER_EPOCH);
    }
}
