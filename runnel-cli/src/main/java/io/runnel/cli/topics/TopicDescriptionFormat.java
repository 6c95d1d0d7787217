package io.runnel.cli.topics;

import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * kafka-topics.sh's {@code --describe} layout, tab-separated, so scripts that parse it keep
 * working: one summary line, then one indented line per partition.
 * <pre>
 * Topic: t	TopicId: AAAAAAAAAAAAAAAAAAAAAA	PartitionCount: 2	ReplicationFactor: 1	Configs: cleanup.policy=compact
 * 	Topic: t	Partition: 0	Leader: 1	Replicas: 1	Isr: 1	Elr: 	LastKnownElr: 
 * </pre>
 * Configs lists only the topic's own overrides; a partition without a leader shows "none";
 * eligible leader replicas (KIP-966) show "N/A" when the broker did not report them.
 */
final class TopicDescriptionFormat {
    private TopicDescriptionFormat() {
    }

    static List<String> format(TopicDescription topic, Config config) {
        List<String> lines = new ArrayList<>();
        List<TopicPartitionInfo> partitions = topic.partitions();
        int replicationFactor = partitions.isEmpty() ? 0 : partitions.get(0).replicas().size();
        lines.add("Topic: " + topic.name() + "\tTopicId: " + topic.topicId()
                + "\tPartitionCount: " + partitions.size() + "\tReplicationFactor: " + replicationFactor
                + "\tConfigs: " + overrides(config));
        for (TopicPartitionInfo partition : partitions) {
            lines.add("\tTopic: " + topic.name() + "\tPartition: " + partition.partition()
                    + "\tLeader: " + leader(partition.leader())
                    + "\tReplicas: " + ids(partition.replicas()) + "\tIsr: " + ids(partition.isr())
                    + "\tElr: " + ids(partition.elr()) + "\tLastKnownElr: " + ids(partition.lastKnownElr()));
        }
        return lines;
    }

    private static String overrides(Config config) {
        if (config == null) {
            return "";
        }
        return config.entries().stream()
                .filter(e -> e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)
                .map(e -> e.name() + "=" + (e.isSensitive() ? "<sensitive>" : e.value()))
                .sorted()
                .collect(Collectors.joining(","));
    }

    private static String leader(Node leader) {
        return leader == null || leader.isEmpty() ? "none" : String.valueOf(leader.id());
    }

    private static String ids(List<Node> nodes) {
        if (nodes == null) {
            return "N/A";
        }
        return nodes.stream().map(n -> String.valueOf(n.id())).collect(Collectors.joining(","));
    }
}
