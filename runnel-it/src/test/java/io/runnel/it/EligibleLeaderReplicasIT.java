package io.runnel.it;

import io.runnel.it.harness.ClusterProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * KIP-966's "last replica standing" on three nodes: partition 0 of a topic with replicas 1, 2, 3
 * (leader 1, {@code min.insync.replicas=2}) and an {@code acks=all} producer. Follower 2's fetches
 * are cut off, so it leaves the ISR (at min ISR: it may lack committed records); then follower 3's,
 * so it leaves an ISR already below min ISR and becomes an eligible leader replica (the high
 * watermark stopped, so it holds every committed record). Node 3 restarts cleanly and stays
 * eligible. Then leader 1 stops: node 3, not the live but ineligible node 2, is elected from the
 * ELR; once 2 is reconnected and in sync, every record the producer saw acknowledged is read back
 * at its offset. Before ELR, node 3 could not lead: only the last ISR member (1) could, or an
 * unclean election losing records. Killed with -9 instead, node 3 comes back without the
 * clean-shutdown marker and leaves the ELR: with leader 1 stopped the partition has no leader
 * until 1 returns. The quorum keeps two of its three voters throughout (faults
 * are cut replication links, and one node down at a time). Each step prints the partition as
 * {@code kafka-topics.sh --describe} does, from DescribeTopicPartitions.
 */
class EligibleLeaderReplicasIT {
    private static final String TOPIC = "elr";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);
    private static final Duration WAIT = Duration.ofSeconds(90);

    private ClusterProcess cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theLastReplicaToLeaveTheIsrLeadsFromTheElrAndNoAcknowledgedRecordIsLost() throws Exception {
        Map<Long, String> acknowledged = new TreeMap<>();
        String uncommitted = leaveThreeAsTheOnlyEligibleReplica(acknowledged);
        assertThat(cluster.node(3).stop()).isEqualTo(143);
        cluster.node(3).restart();
        cluster.waitForClusterReady();
        awaitPartition(1, List.of(1), List.of(3), "3 restarted after a clean shutdown: still eligible");

        assertThat(cluster.node(1).stop()).isEqualTo(143);
        TopicPartitionInfo elected = awaitPartition(3, List.of(3), List.of(1),
                "1 stopped: 3 elected from the ELR, not the live but ineligible 2");
        assertThat(ids(elected.lastKnownElr())).isEmpty();

        cluster.link(2, 3).heal();
        awaitPartition(3, List.of(2, 3), List.of(), "2 reconnected and caught up from 3: back at min ISR");
        produce(acknowledged, "after", 100);
        Map<Long, String> stored = readAll();
        assertThat(stored).as("every acknowledged record at its offset").containsAllEntriesOf(acknowledged);
        assertThat(stored).as("written to 1 alone, never committed: the high watermark waited")
                .doesNotContainValue(uncommitted);
    }

    @Test
    void aReplicaRestartedAfterAnUncleanShutdownIsNoLongerEligible() throws Exception {
        Map<Long, String> acknowledged = new TreeMap<>();
        leaveThreeAsTheOnlyEligibleReplica(acknowledged);
        cluster.node(3).kill9();
        cluster.node(3).restart();
        cluster.waitForClusterReady();
        awaitPartition(1, List.of(1), List.of(), "3 restarted after kill -9: it may have lost records, not eligible");

        assertThat(cluster.node(1).stop()).isEqualTo(143);
        TopicPartitionInfo leaderless = awaitPartition(-1, List.of(), List.of(1),
                "1 stopped: no live ISR or ELR member, no leader");
        assertThat(ids(leaderless.lastKnownElr())).containsExactly(1);

        cluster.node(1).restart();
        cluster.waitForClusterReady();
        awaitPartition(1, List.of(1), List.of(), "1 restarted after a clean shutdown: elected from the ELR");
        cluster.healAll();
        awaitPartition(1, List.of(1, 2, 3), List.of(), "every link healed");
        assertThat(readAll()).as("every acknowledged record at its offset").containsAllEntriesOf(acknowledged);
    }

    /**
     * Starts the cluster and the topic, writes, and cuts the replication of 2 and then 3 off
     * leader 1: 2 leaves an ISR at min ISR, 3 an ISR below it (3 is eligible, 2 is not). Returns
     * the value of one {@code acks=1} record that only 1 holds.
     */
    private String leaveThreeAsTheOnlyEligibleReplica(Map<Long, String> acknowledged) throws Exception {
        cluster = ClusterProcess.start(3, Map.of("replica.lag.time.max.ms", "5000"));
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, Map.of(0, List.of(1, 2, 3)))
                    .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
        }
        await().atMost(WAIT).ignoreExceptions().until(() -> ids(describe().isr()).size() == 3);

        produce(acknowledged, "before", 100);
        cluster.link(1, 2).replicationProxy(2).cut();
        cluster.link(2, 3).replicationProxy(2).cut();
        // A follower at the leader's log end stays in sync (Kafka's rule): new records make 2 lag.
        produce(acknowledged, "without-2", 100);
        awaitPartition(1, List.of(1, 3), List.of(), "2 cut off: the ISR is at min ISR, no ELR");

        cluster.link(1, 3).replicationProxy(3).cut();
        String uncommitted = "acks-1";
        produceWithAcksOne(uncommitted);
        awaitPartition(1, List.of(1), List.of(3), "3 cut off: it left an ISR below min ISR");
        return uncommitted;
    }

    /** One record with {@code acks=1}: the leader appends it whatever its ISR. */
    private void produceWithAcksOne(String value) throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, 0, null, value)).get(60, TimeUnit.SECONDS);
        }
    }

    /** Sends {@code count} records one at a time ({@code acks=all}) and notes each acknowledged offset. */
    private void produce(Map<Long, String> acknowledged, String prefix, int count) throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                String value = prefix + "-" + i;
                long offset = producer.send(new ProducerRecord<>(TOPIC, 0, null, value)).get(90, TimeUnit.SECONDS).offset();
                acknowledged.put(offset, value);
            }
        }
    }

    /** Every record of the partition up to its high watermark, by offset. */
    private Map<Long, String> readAll() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<Long, String> records = new TreeMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(List.of(PARTITION));
            consumer.seekToBeginning(List.of(PARTITION));
            long end = consumer.endOffsets(List.of(PARTITION)).get(PARTITION);
            await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    records.put(r.offset(), r.value());
                }
                return consumer.position(PARTITION) >= end;
            });
        }
        return records;
    }

    /** Waits until partition 0 has {@code leader}, {@code isr} and {@code elr} (any order), and prints it. */
    private TopicPartitionInfo awaitPartition(int leader, List<Integer> isr, List<Integer> elr, String step) {
        TopicPartitionInfo[] last = new TopicPartitionInfo[1];
        try {
            await().atMost(WAIT).ignoreExceptions().until(() -> {
                last[0] = describe();
                int currentLeader = last[0].leader() == null ? -1 : last[0].leader().id();
                return currentLeader == leader && ids(last[0].isr()).stream().sorted().toList().equals(isr)
                        && ids(last[0].elr()).stream().sorted().toList().equals(elr);
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(step + ": partition 0 is " + last[0], e);
        }
        TopicPartitionInfo p = last[0];
        System.out.printf("%s%n\tTopic: %s\tPartition: %d\tLeader: %s\tReplicas: %s\tIsr: %s\tElr: %s\tLastKnownElr: %s%n",
                step, TOPIC, p.partition(), p.leader() == null ? "none" : p.leader().id(), join(p.replicas()),
                join(p.isr()), join(p.elr()), join(p.lastKnownElr()));
        return p;
    }

    private TopicPartitionInfo describe() throws Exception {
        try (Admin admin = cluster.admin()) {
            return admin.describeTopics(List.of(TOPIC)).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get(TOPIC).partitions().get(0);
        }
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    private static String join(List<Node> nodes) {
        return String.join(",", ids(nodes).stream().map(String::valueOf).toList());
    }
}
