package io.runnel.cli.transactions;

import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.common.TopicPartition;

/**
 * A transaction open in one partition, as the partition leader's DescribeProducers shows it.
 *
 * @param reason why it hangs, for {@code list --hanging}; null for a candidate not yet judged
 */
record OpenTransaction(TopicPartition partition, ProducerState producer, HangingReason reason) {
    long startOffset() {
        return producer.currentTransactionStartOffset().orElse(-1);
    }

    /** How long since the producer's last batch, in ms: how long the transaction has been open at least. */
    long openMs(long nowMs) {
        return nowMs - producer.lastTimestamp();
    }

    OpenTransaction hanging(HangingReason why) {
        return new OpenTransaction(partition, producer, why);
    }
}
