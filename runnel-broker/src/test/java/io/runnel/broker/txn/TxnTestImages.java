package io.runnel.broker.txn;

import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import org.apache.kafka.common.Uuid;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Metadata images for the transaction tests: brokers 1-3 and single-partition topics with a chosen leader. */
final class TxnTestImages {
    private TxnTestImages() {
    }

    /** An image where each named topic has one partition, 0, led by the given broker. */
    static MetadataImage withLeaders(Map<String, Integer> leaderByTopic) {
        Map<String, TopicImage> byName = new HashMap<>();
        Map<Uuid, TopicImage> byId = new HashMap<>();
        leaderByTopic.forEach((name, leader) -> {
            TopicImage topic = new TopicImage(name, Uuid.randomUuid(), Map.of(0,
                    new PartitionRegistration(List.of(1, 2, 3), List.of(1, 2, 3), leader, 5, 5)));
            byName.put(name, topic);
            byId.put(topic.id(), topic);
        });
        return new MetadataImage("c", 10, Map.of(1, broker(1), 2, broker(2), 3, broker(3)), byName, byId, Map.of(), 0);
    }

    private static BrokerRegistration broker(int id) {
        return new BrokerRegistration(id, Uuid.randomUuid(), List.of(
                new BrokerRegistration.Endpoint("PLAINTEXT", "127.0.0.1", 1, "PLAINTEXT")), null, false);
    }
}
