package io.runnel.coordinator.txn;

import io.runnel.coordinator.runtime.CoordinatorLog;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;

import java.util.concurrent.CompletableFuture;
import java.util.function.ToIntFunction;

/**
 * The transaction coordinator's entry point for request handlers: routes each transactional id to
 * the shard of its {@code __transaction_state} partition and turns coordinator failures into the
 * error codes of each response. Every method returns at once; answers complete on shard threads.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class TransactionCoordinator implements AutoCloseable {
    private final int numPartitions;

    /**
     * @param numPartitions            {@code transaction.state.log.num.partitions}
     * @param numThreads               shard threads
     * @param offsetsPartitionForGroup the {@code __consumer_offsets} partition of a group id
     */
    public TransactionCoordinator(TransactionConfig config, int numPartitions, int numThreads, CoordinatorLog log,
                                  ProducerIdSource producerIds, TransactionMarkerWriter markers,
                                  ToIntFunction<String> offsetsPartitionForGroup, Time time) {
        this.numPartitions = numPartitions;
    }

    /** The {@code __transaction_state} partition of a transactional id: {@code abs(id.hashCode()) % partitions}. */
    public int partitionFor(String transactionalId) {
        return Utils.abs(transactionalId.hashCode()) % numPartitions;
    }

    /** This broker now leads {@code partition}; its coordinator epoch is {@code leaderEpoch}. */
    public void onElection(int partition, int leaderEpoch) {
        throw new UnsupportedOperationException("skeleton");
    }

    public void onResignation(int partition) {
        throw new UnsupportedOperationException("skeleton");
    }

    public CompletableFuture<InitProducerIdResponseData> initProducerId(InitProducerIdRequestData request) {
        throw new UnsupportedOperationException("skeleton");
    }

    public CompletableFuture<AddPartitionsToTxnResponseData> addPartitionsToTxn(AddPartitionsToTxnRequestData request,
                                                                                short version) {
        throw new UnsupportedOperationException("skeleton");
    }

    public CompletableFuture<AddOffsetsToTxnResponseData> addOffsetsToTxn(AddOffsetsToTxnRequestData request) {
        throw new UnsupportedOperationException("skeleton");
    }

    public CompletableFuture<EndTxnResponseData> endTxn(EndTxnRequestData request, short version) {
        throw new UnsupportedOperationException("skeleton");
    }

    public CompletableFuture<DescribeTransactionsResponseData.TransactionState> describeTransaction(
            String transactionalId) {
        throw new UnsupportedOperationException("skeleton");
    }

    public CompletableFuture<ListTransactionsResponseData> listTransactions(ListTransactionsRequestData request) {
        throw new UnsupportedOperationException("skeleton");
    }

    @Override
    public void close() {
    }
}
