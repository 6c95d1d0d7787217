package io.runnel.metadata.controller;

import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import io.runnel.metadata.record.PartitionChangeRecord;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Partition leader election and ISR maintenance when brokers are fenced and unfenced (Kafka's
 * ReplicationControlManager with PartitionChangeBuilder's "online" election, metadata version
 * 3.6+, eligible leader replicas off):
 * <ul>
 *   <li>A fenced broker leaves the ISR of every partition, unless it is the last ISR member: an
 *       ISR never becomes empty, so the last replica known to hold every committed record stays
 *       electable and comes back as leader (no committed data lost).</li>
 *   <li>A partition keeps its leader while that leader is live and in the ISR; otherwise the
 *       leader is the first replica, in replica order (preferred first), that is in the ISR and
 *       live (registered and unfenced); with none, the partition has no leader (-1).</li>
 *   <li>When a broker is unfenced, every leaderless partition it is a replica of holds an
 *       election, so the last ISR member returning becomes leader again.</li>
 *   <li>Unclean election ({@code unclean.leader.election.enable}, a topic config, default false):
 *       when no ISR member is live, the first live replica becomes leader and the ISR is just it
 *       (records it lacks are lost).</li>
 *   <li>Preferred-leader election (periodic, {@code auto.leader.rebalance.enable}): a partition
 *       whose first replica is live and in the ISR gets it back as leader.</li>
 *   <li>Epochs: every change bumps the partition epoch once; a change of leader also bumps the
 *       leader epoch once; an ISR change alone keeps the leader epoch.</li>
 * </ul>
 * Immutable and thread-safe.
 */
final class PartitionLeadership {
    /** The leader id of a partition without a leader. */
    static final int NO_LEADER = -1;

    private final TopicConfigs topicConfigs;

    /** @param topicConfigs gives the default of {@code unclean.leader.election.enable} when a topic does not override it */
    PartitionLeadership(TopicConfigs topicConfigs) {
        this.topicConfigs = topicConfigs;
    }

    /**
     * The changes after {@code brokerId} was fenced: {@code image} already shows it fenced. Only
     * partitions it leads or is in the ISR of change.
     */
    List<PartitionChangeRecord> afterFencing(MetadataImage image, int brokerId) {
        List<PartitionChangeRecord> changes = new ArrayList<>();
        for (TopicImage topic : image.topicsById().values()) {
            boolean unclean = uncleanElectionEnabled(image, topic.name());
            for (Map.Entry<Integer, PartitionRegistration> e : topic.partitions().entrySet()) {
                PartitionRegistration p = e.getValue();
                if (p.leader() != brokerId && !p.isr().contains(brokerId)) {
                    continue;
                }
                List<Integer> isr = p.isr().stream().filter(id -> id != brokerId).toList();
                elect(image, topic.id(), e.getKey(), p, isr.isEmpty() ? p.isr() : isr, unclean).ifPresent(changes::add);
            }
        }
        return changes;
    }

    /**
     * The changes after {@code brokerId} failed to write its replicas of {@code failed} (a failed
     * disk): as {@link #afterFencing} for those partitions only. The broker stays live, so it
     * leads none of them again unless it is the last ISR member, which keeps its place.
     */
    List<PartitionChangeRecord> afterReplicaFailures(MetadataImage image, int brokerId, Set<TopicIdPartition> failed) {
        List<PartitionChangeRecord> changes = new ArrayList<>();
        for (TopicIdPartition replica : failed) {
            TopicImage topic = image.topicsById().get(replica.topicId());
            PartitionRegistration p = topic == null ? null : topic.partitions().get(replica.partition());
            if (p == null || !p.isr().contains(brokerId)) {
                continue;
            }
            List<Integer> isr = p.isr().stream().filter(id -> id != brokerId).toList();
            if (!isr.isEmpty()) {
                elect(image, topic.id(), replica.partition(), p, isr, false).ifPresent(changes::add);
            }
        }
        return changes;
    }

    /** The changes after {@code brokerId} was unfenced ({@code image} shows it unfenced): its leaderless partitions elect. */
    List<PartitionChangeRecord> afterUnfencing(MetadataImage image, int brokerId) {
        List<PartitionChangeRecord> changes = new ArrayList<>();
        for (TopicImage topic : image.topicsById().values()) {
            boolean unclean = uncleanElectionEnabled(image, topic.name());
            for (Map.Entry<Integer, PartitionRegistration> e : topic.partitions().entrySet()) {
                PartitionRegistration p = e.getValue();
                if (p.leader() == NO_LEADER && p.replicas().contains(brokerId)) {
                    elect(image, topic.id(), e.getKey(), p, p.isr(), unclean).ifPresent(changes::add);
                }
            }
        }
        return changes;
    }

    /**
     * Preferred-leader elections (auto.leader.rebalance.enable): each partition whose first replica
     * is live and in the ISR but not the leader gets it back as leader. At most {@code max} changes.
     */
    List<PartitionChangeRecord> preferredLeaderElections(MetadataImage image, int max) {
        List<PartitionChangeRecord> changes = new ArrayList<>();
        for (TopicImage topic : image.topicsById().values()) {
            for (Map.Entry<Integer, PartitionRegistration> e : topic.partitions().entrySet()) {
                PartitionRegistration p = e.getValue();
                int preferred = p.replicas().get(0);
                if (changes.size() < max && p.leader() != preferred && p.isr().contains(preferred)
                        && isLive(image, preferred)) {
                    electPreferred(image, topic.id(), e.getKey(), p).ifPresent(changes::add);
                }
            }
        }
        return changes;
    }

    /**
     * Unclean elections for leaderless partitions of topics that allow them (for instance since
     * {@code unclean.leader.election.enable} was turned on). At most {@code max} changes.
     */
    List<PartitionChangeRecord> uncleanElections(MetadataImage image, int max) {
        List<PartitionChangeRecord> changes = new ArrayList<>();
        for (TopicImage topic : image.topicsById().values()) {
            if (!uncleanElectionEnabled(image, topic.name())) {
                continue;
            }
            for (Map.Entry<Integer, PartitionRegistration> e : topic.partitions().entrySet()) {
                PartitionRegistration p = e.getValue();
                if (changes.size() < max && p.leader() == NO_LEADER) {
                    elect(image, topic.id(), e.getKey(), p, p.isr(), true).ifPresent(changes::add);
                }
            }
        }
        return changes;
    }

    /**
     * A preferred-leader election for one partition (Kafka's PREFERRED election): the first
     * replica if it is live and in the ISR; else the current leader if it still qualifies (no
     * change); else the first live ISR member in replica order. Empty when nothing changes.
     */
    static Optional<PartitionChangeRecord> electPreferred(MetadataImage image, Uuid topicId, int partitionId,
                                                          PartitionRegistration current) {
        int preferred = current.replicas().get(0);
        if (current.isr().contains(preferred) && isLive(image, preferred)) {
            return change(topicId, partitionId, current, current.isr(), preferred);
        }
        return elect(image, topicId, partitionId, current, current.isr(), false);
    }

    /**
     * The election for one partition whose ISR is to become {@code isr}: the record moving it to
     * that ISR and the elected leader, or empty when neither changes.
     */
    static Optional<PartitionChangeRecord> elect(MetadataImage image, Uuid topicId, int partitionId,
                                                 PartitionRegistration current, List<Integer> isr, boolean unclean) {
        int leader = NO_LEADER;
        if (isr.contains(current.leader()) && isLive(image, current.leader())) {
            leader = current.leader();
        } else {
            for (int replica : current.replicas()) {
                if (isr.contains(replica) && isLive(image, replica)) {
                    leader = replica;
                    break;
                }
            }
        }
        if (leader == NO_LEADER && unclean) {
            for (int replica : current.replicas()) {
                if (isLive(image, replica)) {
                    return change(topicId, partitionId, current, List.of(replica), replica);
                }
            }
        }
        return change(topicId, partitionId, current, isr, leader);
    }

    /** The record that moves {@code current} to {@code isr} and {@code leader}; empty when both are unchanged. */
    static Optional<PartitionChangeRecord> change(Uuid topicId, int partitionId, PartitionRegistration current,
                                                  List<Integer> isr, int leader) {
        boolean leaderChanges = leader != current.leader();
        if (!leaderChanges && isr.equals(current.isr())) {
            return Optional.empty();
        }
        return Optional.of(new PartitionChangeRecord(topicId, partitionId, isr, leader,
                leaderChanges ? current.leaderEpoch() + 1 : current.leaderEpoch(), current.partitionEpoch() + 1));
    }

    private boolean uncleanElectionEnabled(MetadataImage image, String topic) {
        String value = image.configsOf(new ConfigResource(ConfigResource.Type.TOPIC, topic))
                .get(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG);
        return Boolean.parseBoolean(value != null ? value
                : topicConfigs.defaultValue(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG));
    }

    private static boolean isLive(MetadataImage image, int brokerId) {
        BrokerRegistration broker = image.brokers().get(brokerId);
        return broker != null && !broker.fenced();
    }
}
