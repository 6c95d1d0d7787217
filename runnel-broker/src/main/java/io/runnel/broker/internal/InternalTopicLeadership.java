package io.runnel.broker.internal;

import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.MetadataListener;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;

import java.util.HashMap;
import java.util.Map;

/**
 * Tells a coordinator which partitions of its internal topic this broker leads: an election
 * (new, or a new leader epoch) loads the partition's state, a resignation unloads it. Registered
 * after the replica manager, so the partition's log exists when the coordinator loads it.
 *
 * <p>Thread-safety: runs on the metadata replay thread only.
 */
public final class InternalTopicLeadership implements MetadataListener {
    private final int localBrokerId;
    private final String topicName;
    private final CoordinatorElections coordinator;
    /** Partition index to the leader epoch this broker was last elected in. */
    private final Map<Integer, Integer> led = new HashMap<>();

    public InternalTopicLeadership(int localBrokerId, String topicName, CoordinatorElections coordinator) {
        this.localBrokerId = localBrokerId;
        this.topicName = topicName;
        this.coordinator = coordinator;
    }

    @Override
    public void onMetadataUpdate(MetadataImage previous, MetadataImage current) {
        TopicImage topic = current.topicsByName().get(topicName);
        Map<Integer, PartitionRegistration> partitions = topic == null ? Map.of() : topic.partitions();
        Map<Integer, Integer> nowLed = new HashMap<>();
        partitions.forEach((index, registration) -> {
            if (registration.leader() == localBrokerId) {
                nowLed.put(index, registration.leaderEpoch());
                if (!Integer.valueOf(registration.leaderEpoch()).equals(led.get(index))) {
                    coordinator.onElection(index, registration.leaderEpoch());
                }
            }
        });
        for (int index : led.keySet()) {
            if (!nowLed.containsKey(index)) {
                coordinator.onResignation(index);
            }
        }
        led.clear();
        led.putAll(nowLed);
    }
}
