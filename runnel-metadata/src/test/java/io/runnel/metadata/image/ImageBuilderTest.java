package io.runnel.metadata.image;

import io.runnel.metadata.Images;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.record.BrokerFencingRecord;
import io.runnel.metadata.record.ConfigRecord;
import io.runnel.metadata.record.PartitionChangeRecord;
import io.runnel.metadata.record.PartitionRecord;
import io.runnel.metadata.record.ProducerIdsRecord;
import io.runnel.metadata.record.RemoveTopicRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ImageBuilderTest {
    private static final ConfigResource TOPIC_A = new ConfigResource(ConfigResource.Type.TOPIC, "a");

    @Test
    void topicsArePublishedByNameAndIdWithTheirPartitions() {
        MetadataImage image = Images.withTopic(Images.withBrokers(3), "a", 3, 2);
        TopicImage topic = image.topicsByName().get("a");
        assertThat(image.topicsById().get(topic.id())).isSameAs(topic);
        assertThat(topic.partitions()).hasSize(3);
        assertThat(topic.partitions().get(1).replicas()).containsExactly(1, 2);
        assertThat(topic.partitions().get(1).leader()).isEqualTo(1);
    }

    @Test
    void aChangeCopiesOnlyWhatItTouches() {
        MetadataImage before = Images.withTopic(Images.withTopic(Images.withBrokers(3), "a", 2, 1), "b", 2, 1);
        TopicImage b = before.topicsByName().get("b");
        MetadataImage after = Images.apply(before, List.of(
                new PartitionRecord(b.id(), 0, List.of(2), List.of(2), 2, 1, 1)));

        assertThat(after.topicsByName().get("a")).isSameAs(before.topicsByName().get("a"));
        assertThat(after.brokers()).isSameAs(before.brokers());
        assertThat(after.topicsByName().get("b").partitions().get(0).leaderEpoch()).isEqualTo(1);
        assertThat(before.topicsByName().get("b").partitions().get(0).leaderEpoch()).isZero();
    }

    @Test
    void removingATopicDropsItsConfigs() {
        MetadataImage image = Images.apply(Images.withTopic(Images.withBrokers(1), "a", 1, 1), List.of(
                new ConfigRecord(ConfigResource.Type.TOPIC, "a", "retention.ms", "1000")));
        assertThat(image.configsOf(TOPIC_A)).isEqualTo(Map.of("retention.ms", "1000"));

        MetadataImage removed = Images.apply(image, List.of(new RemoveTopicRecord(image.topicsByName().get("a").id())));
        assertThat(removed.topicsByName()).isEmpty();
        assertThat(removed.topicsById()).isEmpty();
        assertThat(removed.configs()).isEmpty();
    }

    @Test
    void configRecordsSetAndDeleteKeys() {
        MetadataImage image = Images.apply(Images.withBrokers(1), List.of(
                new ConfigRecord(ConfigResource.Type.BROKER, "", "log.retention.ms", "5"),
                new ConfigRecord(ConfigResource.Type.BROKER, "", "log.segment.bytes", "1024")));
        image = Images.apply(image, List.of(new ConfigRecord(ConfigResource.Type.BROKER, "", "log.retention.ms", null)));
        assertThat(image.configsOf(new ConfigResource(ConfigResource.Type.BROKER, "")))
                .isEqualTo(Map.of("log.segment.bytes", "1024"));
    }

    @Test
    void producerIdsOnlyMoveForward() {
        MetadataImage image = Images.apply(Images.withBrokers(1), List.of(new ProducerIdsRecord(0, 2000)));
        image = Images.apply(image, List.of(new ProducerIdsRecord(0, 1000)));
        assertThat(image.nextProducerId()).isEqualTo(2000);
    }

    @Test
    void replayingRecordsTwiceGivesTheSameImage() {
        MetadataImage image = Images.withTopic(Images.withBrokers(2), "a", 2, 2);
        MetadataImage again = ImageBuilder.apply(image, ImageRecords.of(image), image.offset());
        assertThat(again).isEqualTo(image);
    }

    @Test
    void fencingAppliesOnlyToTheIncarnationItNames() {
        MetadataImage image = Images.withBrokers(2);
        BrokerRegistration broker = image.brokers().get(1);
        MetadataImage stale = Images.apply(image, List.of(new BrokerFencingRecord(1, Uuid.randomUuid(), true)));
        assertThat(stale.brokers().get(1).fenced()).isFalse();

        MetadataImage fenced = Images.apply(image, List.of(new BrokerFencingRecord(1, broker.incarnationId(), true)));
        assertThat(fenced.brokers().get(1)).isEqualTo(broker.withFenced(true));
        assertThat(fenced.brokers().get(0)).isSameAs(image.brokers().get(0));
        MetadataImage unfenced = Images.apply(fenced, List.of(new BrokerFencingRecord(1, broker.incarnationId(), false)));
        assertThat(unfenced.brokers().get(1)).isEqualTo(broker);
    }

    @Test
    void aPartitionChangeKeepsTheReplicasAndIgnoresUnknownPartitions() {
        MetadataImage image = Images.withTopic(Images.withBrokers(3), "a", 2, 3);
        TopicImage a = image.topicsByName().get("a");
        PartitionChangeRecord change = new PartitionChangeRecord(a.id(), 1, List.of(2, 0), 2, 1, 1);
        MetadataImage changed = Images.apply(image, List.of(change, new PartitionChangeRecord(a.id(), 7, List.of(0), 0, 1, 1),
                new PartitionChangeRecord(Uuid.randomUuid(), 0, List.of(0), 0, 1, 1)));

        PartitionRegistration p1 = changed.topicsByName().get("a").partitions().get(1);
        assertThat(p1).isEqualTo(new PartitionRegistration(List.of(1, 2, 0), List.of(2, 0), 2, 1, 1));
        assertThat(changed.topicsByName().get("a").partitions()).hasSize(2)
                .containsEntry(0, a.partitions().get(0));
        assertThat(Images.apply(changed, List.of(change))).as("set semantics").usingRecursiveComparison()
                .ignoringFields("offset").isEqualTo(changed);
    }
}
