package io.runnel.broker.group;

import io.runnel.coordinator.group.GroupCoordinator;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.MetadataListener;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import org.apache.kafka.common.internals.Topic;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Tells the group coordinator which {@code __consumer_offsets} partitions this broker leads:
 * an election (with its leader epoch) loads the partition's shard, a resignation unloads it.
 * Registered after the replica manager, so the partition's log exists when the shard loads.
 *
 * <p>Thread-safety: runs on the metadata replay thread only.
 */
public final class OffsetsTopicLeadership implements MetadataListener {
    private final int localBrokerId;
    private final GroupCoordinator coordinator;
    private final Set<Integer> led = new HashSet<>();

    public OffsetsTopicLeadership(int localBrokerId, GroupCoordinator coordinator) {
        this.localBrokerId = localBrokerId;
        this.coordinator = coordinator;
    }

    @Override
    public void onMetadataUpdate(MetadataImage previous, MetadataImage current) {
        TopicImage topic = current.topicsByName().get(Topic.GROUP_METADATA_TOPIC_NAME);
        Map<Integer, PartitionRegistration> partitions = topic == null ? Map.of() : topic.partitions();
        Set<Integer> nowLed = new HashSet<>();
        partitions.forEach((index, registration) -> {
            if (registration.leader() == localBrokerId) {
                nowLed.add(index);
                coordinator.onElection(index, registration.leaderEpoch()); // a known epoch is ignored
            }
        });
        for (int index : led) {
            if (!nowLed.contains(index)) {
                coordinator.onResignation(index);
            }
        }
        led.clear();
        led.addAll(nowLed);
    }
}
