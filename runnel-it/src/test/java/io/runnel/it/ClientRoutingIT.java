package io.runnel.it;

import io.runnel.it.harness.RawKafkaClient;
import io.runnel.it.harness.SharedCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.replica.RackAwareReplicaSelector;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * How brokers route clients on a three-node cluster with racks r0, r1, r2 (nodes 1, 2, 3) and
 * {@code replica.selector.class=RackAwareReplicaSelector}: KIP-951 leader hints after a leader
 * dies, and KIP-392 follower fetching for a consumer whose {@code client.rack} is a follower's.
 * Every test leaves the cluster with all three nodes ready.
 */
class ClientRoutingIT {
    private static final int RECORDS = 500;
    private static final int VALUE_BYTES = 200;

    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster(3,
            Map.of("replica.selector.class", RackAwareReplicaSelector.class.getName()),
            Map.of(1, Map.of("broker.rack", rack(1)), 2, Map.of("broker.rack", rack(2)), 3, Map.of("broker.rack", rack(3))));

    private static String rack(int node) {
        return "r" + (node - 1);
    }

    @Test
    void afterTheLeaderDiesFollowersNameTheNewLeaderAndTheProducerKeepsGoing() throws Exception {
        String topic = "hints";
        TopicDescription before = createFullyReplicated(topic);
        int oldLeader = before.partitions().get(0).leader().id();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < 100; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, 0, null, "before-" + i)));
            }
            producer.flush();
            CLUSTER.get().node(oldLeader).kill9();
            try (Admin admin = CLUSTER.get().admin()) {
                int newLeader = await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> admin
                        .describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().get(0).leader().id(),
                        id -> id != oldLeader);
                for (int i = 0; i < 100; i++) {
                    sent.add(producer.send(new ProducerRecord<>(topic, 0, null, "after-" + i)));
                }
                for (Future<RecordMetadata> f : sent) {
                    f.get(60, TimeUnit.SECONDS);
                }
                int other = IntStream.rangeClosed(1, 3).filter(id -> id != oldLeader && id != newLeader).findFirst()
                        .orElseThrow();
                int epoch = assertProduceNamesLeader(other, topic, newLeader);
                assertFencedFetchNamesLeader(newLeader, before.topicId(), epoch, newLeader);
            }
        } finally {
            CLUSTER.get().node(oldLeader).restart();
            CLUSTER.get().waitForClusterReady();
        }
    }

    /** A raw Produce v12 to a follower: NOT_LEADER_OR_FOLLOWER naming the leader and its endpoint. Returns its epoch. */
    private static int assertProduceNamesLeader(int follower, String topic, int leader) {
        ProduceRequestData request = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(5_000);
        request.topicData().add(new ProduceRequestData.TopicProduceData().setName(topic).setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(
                        MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("raw".getBytes()))))));
        try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", CLUSTER.get().node(follower).clientPort())) {
            ProduceResponseData response = await().atMost(Duration.ofSeconds(10)).until(
                    () -> (ProduceResponseData) client.send(ApiKeys.PRODUCE, (short) 12, request),
                    r -> r.responses().iterator().next().partitionResponses().get(0).currentLeader().leaderId() == leader);
            ProduceResponseData.PartitionProduceResponse p = response.responses().iterator().next().partitionResponses().get(0);
            assertThat(Errors.forCode(p.errorCode())).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
            assertThat(p.currentLeader().leaderEpoch()).isPositive();
            assertThat(response.nodeEndpoints()).extracting(e -> e.nodeId(), e -> e.host(), e -> e.port(), e -> e.rack())
                    .containsExactly(tuple(leader, "127.0.0.1", CLUSTER.get().node(leader).clientPort(), rack(leader)));
            return p.currentLeader().leaderEpoch();
        }
    }

    /** A raw Fetch v17 with an older leader epoch: FENCED_LEADER_EPOCH naming the leader and its endpoint. */
    private static void assertFencedFetchNamesLeader(int node, Uuid topicId, int epoch, int leader) {
        try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", CLUSTER.get().node(node).clientPort())) {
            FetchResponseData response = (FetchResponseData) client.send(ApiKeys.FETCH, (short) 17,
                    consumerFetch(topicId, epoch - 1, ""));
            FetchResponseData.PartitionData p = response.responses().get(0).partitions().get(0);
            assertThat(Errors.forCode(p.errorCode())).isEqualTo(Errors.FENCED_LEADER_EPOCH);
            assertThat(p.currentLeader().leaderId()).isEqualTo(leader);
            assertThat(p.currentLeader().leaderEpoch()).isEqualTo(epoch);
            assertThat(response.nodeEndpoints()).extracting(e -> e.nodeId(), e -> e.port())
                    .containsExactly(tuple(leader, CLUSTER.get().node(leader).clientPort()));
        }
    }

    @Test
    void aConsumerInAFollowersRackReadsEveryRecordFromThatFollower() throws Exception {
        String topic = "follower-reads";
        TopicDescription description = createFullyReplicated(topic);
        int leader = description.partitions().get(0).leader().id();
        int follower = IntStream.rangeClosed(1, 3).filter(id -> id != leader).findFirst().orElseThrow();
        List<String> values = IntStream.range(0, RECORDS).mapToObj(i -> i + "-" + "x".repeat(VALUE_BYTES)).toList();
        try (KafkaProducer<String, String> producer = producer()) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            values.forEach(v -> sent.add(producer.send(new ProducerRecord<>(topic, 0, null, v))));
            for (Future<RecordMetadata> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        }

        // The leader sends a consumer of the follower's rack there, once it knows the follower has the records.
        try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", CLUSTER.get().node(leader).clientPort())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> partition((FetchResponseData) client.send(ApiKeys.FETCH,
                    (short) 17, consumerFetch(description.topicId(), -1, rack(follower)))).preferredReadReplica() == follower);
        }
        // The follower serves records, all below its high watermark.
        try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", CLUSTER.get().node(follower).clientPort())) {
            FetchResponseData.PartitionData p = partition((FetchResponseData) client.send(ApiKeys.FETCH, (short) 17,
                    consumerFetch(description.topicId(), -1, rack(follower))));
            assertThat(Errors.forCode(p.errorCode())).isEqualTo(Errors.NONE);
            List<Long> offsets = new ArrayList<>();
            for (Record record : ((Records) p.records()).records()) {
                offsets.add(record.offset());
            }
            assertThat(offsets).isNotEmpty().allSatisfy(o -> assertThat(o).isLessThan(p.highWatermark()));
        }

        try (KafkaConsumer<String, String> consumer = consumer(rack(follower))) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<String> read = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    read.add(r.value());
                }
                return read.size() >= RECORDS;
            });
            assertThat(read).containsExactlyElementsOf(values);
            // The records came from the follower: the leader sent the consumer little more than metadata.
            assertThat(bytesReceivedFrom(consumer, follower)).isGreaterThan((double) RECORDS * VALUE_BYTES);
            assertThat(bytesReceivedFrom(consumer, leader)).isLessThan(RECORDS * VALUE_BYTES / 4.0);
        }
    }

    private static double bytesReceivedFrom(KafkaConsumer<?, ?> consumer, int node) {
        for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
            MetricName name = e.getKey();
            if (name.group().equals("consumer-node-metrics") && name.name().equals("incoming-byte-total")
                    && ("node-" + node).equals(name.tags().get("node-id"))) {
                return (double) e.getValue().metricValue();
            }
        }
        return 0;
    }

    private static FetchRequestData consumerFetch(Uuid topicId, int currentLeaderEpoch, String rack) {
        return new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 20)
                .setSessionId(0).setSessionEpoch(-1).setRackId(rack)
                .setTopics(List.of(new FetchRequestData.FetchTopic().setTopicId(topicId).setPartitions(List.of(
                        new FetchRequestData.FetchPartition().setPartition(0).setCurrentLeaderEpoch(currentLeaderEpoch)
                                .setFetchOffset(0).setPartitionMaxBytes(1 << 20)))));
    }

    private static FetchResponseData.PartitionData partition(FetchResponseData response) {
        return response.responses().get(0).partitions().get(0);
    }

    private static TopicDescription createFullyReplicated(String topic) throws Exception {
        try (Admin admin = CLUSTER.get().admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3))).all().get();
            return await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic),
                    t -> t.partitions().get(0).isr().size() == 3);
        }
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.get().bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(String rack) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.get().bootstrap(),
                ConsumerConfig.CLIENT_RACK_CONFIG, rack, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new StringDeserializer(), new StringDeserializer());
    }
}
