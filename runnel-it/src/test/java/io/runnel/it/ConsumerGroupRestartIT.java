package io.runnel.it;

import io.runnel.it.harness.BrokerProcess;
import io.runnel.it.harness.BrokerSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A KIP-848 consumer group survives a broker killed with kill -9: after the restart the
 * coordinator reloads the group from {@code __consumer_offsets}, the running consumer keeps its
 * member id and partitions, and its committed offsets are there.
 */
class ConsumerGroupRestartIT {
    private static final String TOPIC = "restart-t";
    private static final String GROUP = "restart-g";

    private final BrokerProcess broker = BrokerProcess.start(BrokerSpec.fresh(Map.of(
            "group.consumer.session.timeout.ms", "20000", "group.consumer.heartbeat.interval.ms", "500")));

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void groupAndOffsetsSurviveKill9() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % 2, "k", "v" + i));
            }
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100));
                return consumer.assignment().size() == 2;
            });
            Map<TopicPartition, OffsetAndMetadata> committed = Map.of(
                    new TopicPartition(TOPIC, 0), new OffsetAndMetadata(10),
                    new TopicPartition(TOPIC, 1), new OffsetAndMetadata(20));
            consumer.commitSync(committed);
            String memberId = consumer.groupMetadata().memberId();

            broker.kill9();
            broker.restart();

            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(100));
                try (Admin admin = admin()) {
                    ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP))
                            .describedGroups().get(GROUP).get();
                    assertThat(group.members()).extracting(MemberDescription::consumerId).containsExactly(memberId);
                    assertThat(group.members().iterator().next().assignment().topicPartitions()).hasSize(2);
                    assertThat(admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get())
                            .isEqualTo(committed);
                }
            });
            assertThat(consumer.assignment()).hasSize(2);
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
    }
}
