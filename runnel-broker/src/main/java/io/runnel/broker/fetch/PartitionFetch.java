package io.runnel.broker.fetch;

import org.apache.kafka.common.TopicIdPartition;

/**
 * One partition of a fetch, as the client asked for it. The topic name inside {@code id} is null
 * when a v13+ request names a topic id this broker does not know.
 */
public record PartitionFetch(TopicIdPartition id, long fetchOffset, int maxBytes, int currentLeaderEpoch,
                             int lastFetchedEpoch) {
}
