package io.runnel.broker.producer;

import io.runnel.metadata.BrokerHeartbeat;
import io.runnel.metadata.BrokerHeartbeatReply;
import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.Controller;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.IntFunction;

/**
 * A controller that only allocates producer id blocks: each call is answered by {@code allocator}
 * (given the block size), and every request is also kept in {@link #requests} so a test can see
 * how many were made. Thread-safe.
 */
final class FakeController implements Controller {
    final ConcurrentLinkedQueue<CompletableFuture<Long>> requests = new ConcurrentLinkedQueue<>();
    private final IntFunction<CompletableFuture<Long>> allocator;

    FakeController(IntFunction<CompletableFuture<Long>> allocator) {
        this.allocator = allocator;
    }

    @Override
    public CompletableFuture<Long> allocateProducerIds(int brokerId, int blockSize) {
        CompletableFuture<Long> block = allocator.apply(blockSize);
        requests.add(block);
        return block;
    }

    @Override
    public CompletableFuture<CreateTopicsResponseData> createTopics(CreateTopicsRequestData request) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<DeleteTopicsResponseData> deleteTopics(DeleteTopicsRequestData request) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<CreatePartitionsResponseData> createPartitions(CreatePartitionsRequestData request) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<AlterConfigsResponseData> alterConfigs(AlterConfigsRequestData request) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<IncrementalAlterConfigsResponseData> incrementalAlterConfigs(
            IncrementalAlterConfigsRequestData request) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Void> registerBroker(BrokerRegistration registration, boolean cleanShutdown) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<BrokerHeartbeatReply> brokerHeartbeat(BrokerHeartbeat heartbeat) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<AlterPartitionResponseData> alterPartition(AlterPartitionRequestData request) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<ElectLeadersResponseData> electLeaders(ElectLeadersRequestData request) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<AlterPartitionReassignmentsResponseData> alterPartitionReassignments(
            AlterPartitionReassignmentsRequestData request) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<ListPartitionReassignmentsResponseData> listPartitionReassignments(
            ListPartitionReassignmentsRequestData request) {
        throw new UnsupportedOperationException();
    }
}
