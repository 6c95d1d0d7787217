package io.runnel.broker.replica;

import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionResponseData;

import java.util.concurrent.CompletableFuture;

/** Where a leader sends ISR changes: the active controller's {@code alterPartition}. */
@FunctionalInterface
public interface AlterPartitionSender {
    CompletableFuture<AlterPartitionResponseData> send(AlterPartitionRequestData request);
}
