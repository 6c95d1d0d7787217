package io.runnel.metadata.controller;

import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import io.runnel.metadata.record.PartitionChangeRecord;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * Which partitions change, and how, when brokers are fenced, unfenced or restart after an unclean
 * shutdown, and in periodic elections (Kafka's ReplicationControlManager with eligible leader
 * replicas on, as Kafka 4.4 runs new clusters). Each partition's record comes from a
 * {@link PartitionChangeBuilder}, which holds the election, ELR and epoch rules.
 * <ul>
 *   <li>A fenced broker leaves the ISR of every partition, even as its last member: the ISR may
 *       become empty. While an ISR is below the topic's effective {@code min.insync.replicas}
 *       the replicas leaving it become eligible leader replicas (ELR), which hold every
 *       committed record; a fenced ELR member stays one.</li>
 *   <li>A partition keeps its leader while that leader is live and in the ISR; otherwise the
 *       first live ISR member in replica order leads, or with an empty ISR the first live ELR
 *       member (it becomes the ISR); with neither, the partition has no leader (-1).</li>
 *   <li>When a broker is unfenced, every leaderless partition it is a replica of holds an
 *       election, so an ELR member or the last known leader returning leads again.</li>
 *   <li>A broker that registers after an unclean shutdown (its log directories had no
 *       clean-shutdown marker) leaves every ISR and ELR: it may have lost records it
 *       acknowledged. If it is the last known leader it can still lead once unfenced (Kafka's
 *       balanced recovery), uncleanly.</li>
 *   <li>Unclean election ({@code unclean.leader.election.enable}, a topic config, default false):
 *       when no ISR or ELR member is live, the first live replica becomes leader and the ISR is
 *       just it (records it lacks are lost).</li>
 *   <li>Preferred-leader election (periodic, {@code auto.leader.rebalance.enable}): a partition
 *       whose first replica is live and in the ISR gets it back as leader.</li>
 * </ul>
 * Immutable and thread-safe.
 */
final class PartitionLeadership {
    /** The leader id of a partition without a leader. */
    static final int NO_LEADER = -1;

    private final TopicConfigs topicConfigs;

    /** @param topicConfigs gives the defaults of {@code unclean.leader.election.enable} and {@code min.insync.replicas} */
    PartitionLeadership(TopicConfigs topicConfigs) {
        this.topicConfigs = topicConfigs;
    }

    /**
     * The changes after {@code brokerId} was fenced: {@code image} already shows it fenced. Only
     * partitions whose ISR holds it change.
     */
    List<PartitionChangeRecord> afterFencing(MetadataImage image, int brokerId) {
        return changes(image, p -> p.isr().contains(brokerId),
                (builder, p) -> builder.targetIsr(p.isr().stream().filter(id -> id != brokerId).toList()));
    }

    /**
     * The changes after {@code brokerId} failed to write its replicas of {@code failed} (a failed
     * disk): as {@link #afterFencing} for those partitions only, except that a replica that is the
     * ISR's only member keeps its place (no other replica holds the records; the broker is live
     * and serves them again once its disk works).
     */
    List<PartitionChangeRecord> afterReplicaFailures(MetadataImage image, int brokerId, Set<TopicIdPartition> failed) {
        List<PartitionChangeRecord> changes = new ArrayList<>();
        for (TopicIdPartition replica : failed) {
            TopicImage topic = image.topicsById().get(replica.topicId());
            PartitionRegistration p = topic == null ? null : topic.partitions().get(replica.partition());
            if (p == null || !p.isr().contains(brokerId) || p.isr().size() == 1) {
                continue;
            }
            builder(image, topic, replica.partition(), p)
                    .targetIsr(p.isr().stream().filter(id -> id != brokerId).toList())
                    .build().ifPresent(changes::add);
        }
        return changes;
    }

    /** The changes after {@code brokerId} was unfenced ({@code image} shows it unfenced): its leaderless partitions elect. */
    List<PartitionChangeRecord> afterUnfencing(MetadataImage image, int brokerId) {
        return changes(image, p -> p.leader() == NO_LEADER && p.replicas().contains(brokerId), (builder, p) -> builder);
    }

    /**
     * The changes when {@code brokerId} registers after an unclean shutdown: it leaves the ISR
     * and ELR of every partition (Kafka's handleBrokerUncleanShutdown).
     */
    List<PartitionChangeRecord> afterUncleanShutdown(MetadataImage image, int brokerId) {
        return changes(image, p -> p.isr().contains(brokerId) || p.elr().contains(brokerId),
                (builder, p) -> builder.uncleanShutdown(brokerId));
    }

    /** One change for each partition {@code affected} selects, built as {@code change} sets its builder up. */
    private List<PartitionChangeRecord> changes(MetadataImage image, Predicate<PartitionRegistration> affected,
            BiFunction<PartitionChangeBuilder, PartitionRegistration, PartitionChangeBuilder> change) {
        List<PartitionChangeRecord> changes = new ArrayList<>();
        for (TopicImage topic : image.topicsById().values()) {
            for (Map.Entry<Integer, PartitionRegistration> e : topic.partitions().entrySet()) {
                PartitionRegistration p = e.getValue();
                if (affected.test(p)) {
                    change.apply(builder(image, topic, e.getKey(), p), p).build().ifPresent(changes::add);
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
                    electPreferred(image, topic, e.getKey(), p).ifPresent(changes::add);
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
                    builder(image, topic, e.getKey(), p).build().ifPresent(changes::add);
                }
            }
        }
        return changes;
    }

    /**
     * A preferred-leader election for one partition (Kafka's PREFERRED election): the first
     * replica if it is live and in the ISR; else the current leader if it still qualifies (no
     * change); else as an online election. Empty when nothing changes.
     */
    Optional<PartitionChangeRecord> electPreferred(MetadataImage image, TopicImage topic, int partitionId,
                                                   PartitionRegistration current) {
        return builder(image, topic, partitionId, current).election(PartitionChangeBuilder.Election.PREFERRED).build();
    }

    /**
     * An unclean election for one partition (ElectLeaders UNCLEAN, whatever the topic's config):
     * a live ISR member, else a live ELR member, else the first live replica. Empty when nothing changes.
     */
    Optional<PartitionChangeRecord> electUnclean(MetadataImage image, TopicImage topic, int partitionId,
                                                 PartitionRegistration current) {
        return builder(image, topic, partitionId, current).election(PartitionChangeBuilder.Election.UNCLEAN).build();
    }

    /** The change moving {@code current} to the ISR a leader asked for (AlterPartition); empty when nothing changes. */
    Optional<PartitionChangeRecord> alterIsr(MetadataImage image, TopicImage topic, int partitionId,
                                             PartitionRegistration current, List<Integer> isr) {
        return builder(image, topic, partitionId, current).targetIsr(isr).build();
    }

    /** A builder for one partition with the topic's effective min ISR and, if the topic allows it, unclean election. */
    private PartitionChangeBuilder builder(MetadataImage image, TopicImage topic, int partitionId,
                                           PartitionRegistration current) {
        int minIsr = Math.min(Integer.parseInt(topicConfig(image, topic.name(), TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG)),
                current.replicas().size());
        return new PartitionChangeBuilder(topic.id(), partitionId, current, id -> isLive(image, id), minIsr)
                .election(uncleanElectionEnabled(image, topic.name())
                        ? PartitionChangeBuilder.Election.UNCLEAN : PartitionChangeBuilder.Election.ONLINE);
    }

    private boolean uncleanElectionEnabled(MetadataImage image, String topic) {
        return Boolean.parseBoolean(topicConfig(image, topic, TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG));
    }

    /** A topic's value of {@code key}: its override, else the controller's default. */
    private String topicConfig(MetadataImage image, String topic, String key) {
        String value = image.configsOf(new ConfigResource(ConfigResource.Type.TOPIC, topic)).get(key);
        return value != null ? value : topicConfigs.defaultValue(key);
    }

    private static boolean isLive(MetadataImage image, int brokerId) {
        BrokerRegistration broker = image.brokers().get(brokerId);
        return broker != null && !broker.fenced();
    }
}
