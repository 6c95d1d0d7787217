package io.runnel.metadata.image;

import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import io.runnel.metadata.record.ConfigRecord;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.PartitionRecord;
import io.runnel.metadata.record.ProducerIdsRecord;
import io.runnel.metadata.record.RegisterBrokerRecord;
import io.runnel.metadata.record.TopicRecord;
import org.apache.kafka.common.config.ConfigResource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An image expressed as the records that rebuild it from the empty image (as KRaft snapshots
 * do): replaying {@link #of} onto {@code MetadataImage.empty} gives back an equal image.
 */
public final class ImageRecords {
    private ImageRecords() {
    }

    public static List<MetadataRecord> of(MetadataImage image) {
        List<MetadataRecord> records = new ArrayList<>();
        for (BrokerRegistration broker : image.brokers().values()) {
            records.add(new RegisterBrokerRecord(broker));
        }
        for (TopicImage topic : image.topicsById().values()) {
            records.add(new TopicRecord(topic.name(), topic.id()));
            for (Map.Entry<Integer, PartitionRegistration> e : topic.partitions().entrySet()) {
                records.add(new PartitionRecord(topic.id(), e.getKey(), e.getValue()));
            }
        }
        for (Map.Entry<ConfigResource, Map<String, String>> resource : image.configs().entrySet()) {
            for (Map.Entry<String, String> config : resource.getValue().entrySet()) {
                records.add(new ConfigRecord(resource.getKey().type(), resource.getKey().name(), config.getKey(),
                        config.getValue()));
            }
        }
        records.add(new ProducerIdsRecord(-1, image.nextProducerId()));
        return records;
    }
}
