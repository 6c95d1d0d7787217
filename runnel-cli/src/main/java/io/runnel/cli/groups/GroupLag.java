package io.runnel.cli.groups;

import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * A group's lag: one {@link PartitionLag} per partition the group has committed or is assigned,
 * sorted by topic and partition, and their total.
 */
record GroupLag(ConsumerGroupDescription group, List<PartitionLag> partitions) {
    private static final Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    /** The partitions whose end offsets {@link #of} needs. */
    static Set<TopicPartition> partitionsOf(ConsumerGroupDescription group, Map<TopicPartition, OffsetAndMetadata> committed) {
        Set<TopicPartition> partitions = new TreeSet<>(ORDER);
        partitions.addAll(committed.keySet());
        group.members().forEach(m -> partitions.addAll(m.assignment().topicPartitions()));
        return partitions;
    }

    /**
     * @param committed  the group's committed offsets (a null value: no offset for that partition)
     * @param endOffsets the end offset of every partition of {@link #partitionsOf}
     */
    static GroupLag of(ConsumerGroupDescription group, Map<TopicPartition, OffsetAndMetadata> committed,
                       Map<TopicPartition, Long> endOffsets) {
        Map<TopicPartition, MemberDescription> owners = new HashMap<>();
        group.members().forEach(m -> m.assignment().topicPartitions().forEach(tp -> owners.put(tp, m)));
        List<PartitionLag> rows = new ArrayList<>();
        for (TopicPartition tp : partitionsOf(group, committed)) {
            OffsetAndMetadata offset = committed.get(tp);
            MemberDescription owner = owners.get(tp);
            rows.add(new PartitionLag(tp,
                    offset == null ? OptionalLong.empty() : OptionalLong.of(offset.offset()),
                    endOffsets.getOrDefault(tp, 0L),
                    owner == null ? "-" : owner.consumerId(),
                    owner == null ? "-" : owner.host(),
                    owner == null ? "-" : owner.clientId()));
        }
        return new GroupLag(group, rows);
    }

    long totalLag() {
        return partitions.stream().mapToLong(p -> p.lag().orElse(0)).sum();
    }
}
