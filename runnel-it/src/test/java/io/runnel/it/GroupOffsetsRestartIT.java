package io.runnel.it;

import io.runnel.it.harness.BrokerProcess;
import io.runnel.it.harness.BrokerSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Committed offsets live in {@code __consumer_offsets}: after a kill -9 and a restart of the
 * broker they are still there (with their metadata), and a consumer of the group resumes from them.
 */
class GroupOffsetsRestartIT {
    private static final String TOPIC = "resume";
    private static final String GROUP = "resumers";

    @Test
    void committedOffsetsSurviveKill9AndConsumptionResumesFromThem() throws Exception {
        BrokerSpec spec = BrokerSpec.fresh(Map.of("group.initial.rebalance.delay.ms", "0",
                "offsets.topic.num.partitions", "3"));
        try (BrokerProcess broker = BrokerProcess.start(spec)) {
            try (Admin admin = admin(broker)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()),
                    new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, 0, null, "v" + i));
                }
            }
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            try (KafkaConsumer<String, String> consumer = consumer(broker)) {
                List<ConsumerRecord<String, String>> read = readAtLeast(consumer, 40);
                long next = read.get(39).offset() + 1;
                consumer.commitSync(Map.of(tp, new OffsetAndMetadata(next, "note")));
            }

            broker.kill9();
            broker.restart();

            try (Admin admin = admin(broker)) {
                OffsetAndMetadata committed = admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata()
                        .get().get(tp);
                assertThat(committed.offset()).isEqualTo(40);
                assertThat(committed.metadata()).isEqualTo("note");
            }
            try (KafkaConsumer<String, String> consumer = consumer(broker)) {
                List<ConsumerRecord<String, String>> rest = readAtLeast(consumer, 60);
                assertThat(rest.get(0).offset()).isEqualTo(40);
                assertThat(rest).hasSize(60);
                assertThat(rest.get(59).value()).isEqualTo("v99");
            }
        }
    }

    private static List<ConsumerRecord<String, String>> readAtLeast(KafkaConsumer<String, String> consumer, int count) {
        consumer.subscribe(List.of(TOPIC));
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            consumer.poll(Duration.ofMillis(100)).forEach(read::add);
            return read.size() >= count;
        });
        return read;
    }

    private static KafkaConsumer<String, String> consumer(BrokerProcess broker) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, GROUP, ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 40),
                new StringDeserializer(), new StringDeserializer());
    }

    private static Admin admin(BrokerProcess broker) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
    }
}
