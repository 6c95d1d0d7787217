package io.runnel.metadata.controller;

import io.runnel.metadata.Images;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.record.BrokerFencingRecord;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.PartitionChangeRecord;
import io.runnel.metadata.record.PartitionRecord;
import io.runnel.metadata.record.TopicRecord;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random sequences of fencing and unfencing over 5 brokers, random replica sets and a random
 * {@code min.insync.replicas}: after every step each partition's ISR and eligible leader replicas
 * (ELR) are disjoint subsets of its replicas, the ELR is empty while the ISR has min ISR members,
 * the leader is a live ISR member or -1 only while no ISR or ELR member (unclean: no replica) is
 * live, every change bumps the partition epoch by one and the leader epoch by one exactly when the
 * leader changes, and a clean change never brings in a broker that was in neither the ISR nor the
 * ELR (no committed record lost).
 */
class PartitionLeadershipProperties {
    private static final int BROKERS = 5;
    private static final Uuid TOPIC = Uuid.randomUuid();

    @Property
    void fencingAndUnfencingKeepEveryPartitionElectableWithoutLosingCommittedRecords(
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 2 * BROKERS - 1) Integer> events,
            @ForAll @IntRange(min = 1, max = 8) int partitions,
            @ForAll boolean unclean,
            @ForAll @IntRange(min = 1, max = 3) int minIsr,
            @ForAll long seed) {
        PartitionLeadership leadership = new PartitionLeadership(new TopicConfigs(Map.of(
                TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, unclean, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minIsr)));
        MetadataImage image = Images.apply(Images.withBrokers(BROKERS), topic(partitions, new Random(seed)));
        for (int event : events) {
            int broker = event % BROKERS;
            boolean fence = event < BROKERS;
            if (image.brokers().get(broker).fenced() == fence) {
                continue;
            }
            image = Images.apply(image, List.of(new BrokerFencingRecord(broker,
                    image.brokers().get(broker).incarnationId(), fence)));
            List<PartitionChangeRecord> changes = fence ? leadership.afterFencing(image, broker)
                    : leadership.afterUnfencing(image, broker);
            MetadataImage before = image;
            image = Images.apply(image, List.copyOf(changes));
            for (PartitionChangeRecord change : changes) {
                assertOneBumpPerChange(before.topicsById().get(TOPIC).partitions().get(change.partitionId()), change);
            }
            for (PartitionRegistration p : image.topicsById().get(TOPIC).partitions().values()) {
                assertElectable(image, p, unclean, Math.min(minIsr, p.replicas().size()));
            }
        }
    }

    private static void assertOneBumpPerChange(PartitionRegistration before, PartitionChangeRecord change) {
        assertThat(change.partitionEpoch()).isEqualTo(before.partitionEpoch() + 1);
        assertThat(change.leaderEpoch()).isEqualTo(before.leaderEpoch() + (change.leader() != before.leader() ? 1 : 0));
        Set<Integer> holdingCommitted = new HashSet<>(before.isr());
        holdingCommitted.addAll(before.elr());
        boolean uncleanElection = change.leader() >= 0 && !holdingCommitted.contains(change.leader());
        if (!uncleanElection) {
            assertThat(holdingCommitted).as("a clean change brings in no replica that may lack committed records")
                    .containsAll(change.isr()).containsAll(change.elr());
        } else {
            assertThat(change.isr()).containsExactly(change.leader());
            assertThat(change.elr()).isEmpty();
        }
    }

    private static void assertElectable(MetadataImage image, PartitionRegistration p, boolean unclean, int minIsr) {
        assertThat(p.isr()).doesNotHaveDuplicates().allSatisfy(id -> assertThat(p.elr()).doesNotContain(id));
        assertThat(p.elr()).doesNotHaveDuplicates();
        assertThat(p.replicas()).containsAll(p.isr()).containsAll(p.elr());
        if (p.isr().size() >= minIsr) {
            assertThat(p.elr()).isEmpty();
        }
        if (p.leader() >= 0) {
            assertThat(p.isr()).contains(p.leader());
            assertThat(image.brokers().get(p.leader()).fenced()).isFalse();
        } else {
            List<Integer> candidates = new ArrayList<>(unclean ? p.replicas() : p.isr());
            candidates.addAll(p.elr());
            assertThat(candidates).allSatisfy(id -> assertThat(image.brokers().get(id).fenced()).isTrue());
        }
    }

    private static List<MetadataRecord> topic(int partitions, Random random) {
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new TopicRecord("t", TOPIC));
        for (int p = 0; p < partitions; p++) {
            List<Integer> brokers = new ArrayList<>(List.of(0, 1, 2, 3, 4));
            Collections.shuffle(brokers, random);
            List<Integer> replicas = brokers.subList(0, 1 + random.nextInt(3));
            Set<Integer> isr = new HashSet<>(replicas.subList(0, 1 + random.nextInt(replicas.size())));
            List<Integer> isrInOrder = replicas.stream().filter(isr::contains).toList();
            records.add(new PartitionRecord(TOPIC, p, replicas, isrInOrder, isrInOrder.get(0), 0, 0));
        }
        return records;
    }
}
