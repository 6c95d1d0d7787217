package io.runnel.broker.internal;

import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.MetadataListener;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Tells a coordinator which partitions of its internal topic this broker leads: an election loads
 * the partition's state, a resignation unloads it. Every metadata update repeats the elections of
 * the partitions this broker leads: the coordinators ignore an epoch they know, and one whose load
 * failed tries again. Registered after the replica manager, so the partition's log exists when the
 * coordinator loads it.
 *
 * <p>Thread-safety: runs on the metadata replay thread only.
 */
public final class InternalTopicLeadership implements MetadataListener {
    private final int localBrokerId;
    private final String topicName;
    private final CoordinatorElections coordinator;
    private final Set<Integer> led = new HashSet<>();

    public InternalTopicLeadership(int localBrokerId, String topicName, CoordinatorElections coordinator) {
        this.localBrokerId = localBrokerId;
        this.topicName = topicName;
        this.coordinator = coordinator;
    }

    @Override
    public void onMetadataUpdate(MetadataImage previous, MetadataImage current) {
        TopicImage topic = current.topicsByName().get(topicName);
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
