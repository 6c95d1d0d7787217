package io.runnel.storage;

/**
 * A producer's state in one partition, as DescribeProducers reports it.
 *
 * @param lastTimestamp max timestamp of the producer's last batch, in ms
 * @param currentTxnStartOffset first offset of an open transaction, or -1
 */
public record ActiveProducer(long producerId, short producerEpoch, int lastSequence, long lastTimestamp,
                             int coordinatorEpoch, long currentTxnStartOffset) {
}
