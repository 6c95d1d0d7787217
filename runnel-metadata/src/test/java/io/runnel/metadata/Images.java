package io.runnel.metadata;

import io.runnel.metadata.image.ImageBuilder;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.PartitionRecord;
import io.runnel.metadata.record.RegisterBrokerRecord;
import io.runnel.metadata.record.TopicRecord;
import org.apache.kafka.common.Uuid;

import java.util.ArrayList;
import java.util.List;

/** Builds images for tests by replaying records, as the quorum does. */
public final class Images {
    private Images() {
    }

    public static BrokerRegistration broker(int id) {
        return new BrokerRegistration(id, Uuid.randomUuid(),
                List.of(new BrokerRegistration.Endpoint("PLAINTEXT", "localhost", 9092 + id, "PLAINTEXT")), null, false);
    }

    /** An image with unfenced brokers 0..n-1. */
    public static MetadataImage withBrokers(int n) {
        List<MetadataRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(new RegisterBrokerRecord(broker(i)));
        }
        return ImageBuilder.apply(MetadataImage.empty("test-cluster"), records, 0);
    }

    /** Adds a topic whose partition p has replicas {@code [p % brokers, ...]} (replicationFactor of them). */
    public static MetadataImage withTopic(MetadataImage image, String name, int partitions, int replicationFactor) {
        Uuid id = Uuid.randomUuid();
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new TopicRecord(name, id));
        int brokers = image.brokers().size();
        for (int p = 0; p < partitions; p++) {
            List<Integer> replicas = new ArrayList<>();
            for (int r = 0; r < replicationFactor; r++) {
                replicas.add((p + r) % brokers);
            }
            records.add(new PartitionRecord(id, p, replicas, replicas, replicas.get(0), 0, 0));
        }
        return ImageBuilder.apply(image, records, image.offset() + 1);
    }

    public static MetadataImage apply(MetadataImage image, List<MetadataRecord> records) {
        return ImageBuilder.apply(image, records, image.offset() + 1);
    }
}
