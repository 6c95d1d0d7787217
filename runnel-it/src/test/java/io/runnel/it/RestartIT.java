package io.runnel.it;

import io.runnel.it.harness.InProcessBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A clean restart keeps everything: topics with their ids and configs (replayed from the
 * metadata log), records and offsets, producer state, and producer ids stay unique across it.
 */
class RestartIT {

    @Test
    void topicsConfigsRecordsAndProducerIdsSurviveARestart() throws Exception {
        try (InProcessBroker broker = InProcessBroker.start()) {
            Uuid topicId;
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic("kept", 2, (short) 1).configs(Map.of("retention.ms", "123456789"))))
                        .all().get();
                topicId = admin.describeTopics(List.of("kept")).allTopicNames().get().get("kept").topicId();
            }
            Set<Long> producerIds = new HashSet<>();
            producerIds.addAll(produceAndDescribeProducers(broker, 100));

            broker.restart();

            try (Admin admin = broker.admin()) {
                assertThat(admin.describeTopics(List.of("kept")).allTopicNames().get().get("kept").topicId()).isEqualTo(topicId);
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "kept");
                Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
                assertThat(config.get("retention.ms").value()).isEqualTo("123456789");
                TopicPartition tp = new TopicPartition("kept", 0);
                assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset()).isEqualTo(100);
            }
            List<Long> after = produceAndDescribeProducers(broker, 10);
            assertThat(after).as("producer state survived the restart").containsAll(producerIds);
            assertThat(new HashSet<>(after)).as("the producer after the restart got a new id").hasSize(producerIds.size() + 1);
            try (Admin admin = broker.admin()) {
                TopicPartition tp = new TopicPartition("kept", 0);
                assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset()).isEqualTo(110);
            }
        }
    }

    /** Produces {@code count} records to partition 0 with a fresh idempotent producer; returns the producer ids seen there. */
    private static List<Long> produceAndDescribeProducers(InProcessBroker broker, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrap()), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>("kept", 0, null, new byte[]{(byte) i}));
            }
            producer.flush();
        }
        TopicPartition tp = new TopicPartition("kept", 0);
        try (Admin admin = broker.admin()) {
            return admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers().stream()
                    .map(ProducerState::producerId).toList();
        }
    }
}
