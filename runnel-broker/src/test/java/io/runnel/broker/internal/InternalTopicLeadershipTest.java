package io.runnel.broker.internal;

import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.internals.Topic;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InternalTopicLeadershipTest {
    private static final Uuid ID = Uuid.randomUuid();

    private final List<String> events = new ArrayList<>();
    private final InternalTopicLeadership leadership = new InternalTopicLeadership(1, Topic.TRANSACTION_STATE_TOPIC_NAME,
            CoordinatorElections.of((p, epoch) -> events.add("elect " + p + "@" + epoch), p -> events.add("resign " + p)));

    @Test
    void electionsAndResignationsFollowTheLeaderOfEachPartition() {
        MetadataImage empty = MetadataImage.empty("c");
        MetadataImage led = image(1, 3, 2, 3);
        leadership.onMetadataUpdate(empty, led);
        leadership.onMetadataUpdate(led, led); // no change: no new election
        MetadataImage newEpoch = image(1, 4, 2, 4);
        leadership.onMetadataUpdate(led, newEpoch);
        MetadataImage moved = image(2, 5, 1, 5);
        leadership.onMetadataUpdate(newEpoch, moved);
        assertThat(events).containsExactly("elect 0@3", "elect 0@4", "elect 1@5", "resign 0");
    }

    /** Partition 0 led by {@code leader0} in {@code epoch0}, partition 1 by {@code leader1} in {@code epoch1}. */
    private static MetadataImage image(int leader0, int epoch0, int leader1, int epoch1) {
        TopicImage topic = new TopicImage(Topic.TRANSACTION_STATE_TOPIC_NAME, ID, Map.of(
                0, new PartitionRegistration(List.of(1, 2), List.of(1, 2), leader0, epoch0, epoch0),
                1, new PartitionRegistration(List.of(1, 2), List.of(1, 2), leader1, epoch1, epoch1)));
        return new MetadataImage("c", 1, Map.of(1, broker(1), 2, broker(2)), Map.of(topic.name(), topic),
                Map.of(ID, topic), Map.of(), 0);
    }

    private static BrokerRegistration broker(int id) {
        return new BrokerRegistration(id, Uuid.randomUuid(), List.of(), null, false);
    }
}
