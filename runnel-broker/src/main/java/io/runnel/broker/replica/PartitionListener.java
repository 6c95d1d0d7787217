package io.runnel.broker.replica;

import org.apache.kafka.common.TopicPartition;

/**
 * Told when something parked requests wait on may have changed for a partition: its high
 * watermark moved, or it gained or lost leadership. Called outside the partition's lock, on
 * whichever thread made the change (a network thread serving a follower fetch, the metadata
 * replay thread, a fetcher thread); implementations only re-check purgatories.
 */
@FunctionalInterface
public interface PartitionListener {
    void onPartitionChange(TopicPartition tp);
}
