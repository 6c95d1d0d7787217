package io.runnel.cli.topics;

import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigType;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TopicDescriptionFormatTest {

    @Test
    void kafkaTopicsDescribeLayoutWithOnlyOverrides() {
        Node n1 = new Node(1, "a", 9092);
        Node n2 = new Node(2, "b", 9092);
        Uuid id = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ");
        TopicDescription topic = new TopicDescription("orders", false, List.of(
                new TopicPartitionInfo(0, n1, List.of(n1, n2), List.of(n1, n2), List.of(), List.of()),
                new TopicPartitionInfo(1, null, List.of(n2, n1), List.of(), List.of(n2), List.of(n1))), Set.of(), id);
        Config config = new Config(List.of(
                entry("segment.bytes", "1048576", ConfigSource.DYNAMIC_TOPIC_CONFIG),
                entry("cleanup.policy", "compact", ConfigSource.DYNAMIC_TOPIC_CONFIG),
                entry("retention.ms", "604800000", ConfigSource.DEFAULT_CONFIG)));

        assertThat(TopicDescriptionFormat.format(topic, config)).containsExactly(
                "Topic: orders\tTopicId: AAAAAAAAAAAAAAAAAAAAAQ\tPartitionCount: 2\tReplicationFactor: 2"
                        + "\tConfigs: cleanup.policy=compact,segment.bytes=1048576",
                "\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2\tIsr: 1,2\tElr: \tLastKnownElr: ",
                "\tTopic: orders\tPartition: 1\tLeader: none\tReplicas: 2,1\tIsr: \tElr: 2\tLastKnownElr: 1");
    }

    private static ConfigEntry entry(String name, String value, ConfigSource source) {
        return new ConfigEntry(name, value, source, false, false, List.of(), ConfigType.STRING, null);
    }
}
