package io.runnel.it;

import io.runnel.it.harness.BrokerProcess;
import io.runnel.it.harness.BrokerSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kill -9 during a produce load: after restart every acknowledged record is present exactly once
 * (the idempotent producer keeps retrying across the restart, so the recovered producer state
 * must reject its duplicates), offsets are dense, and new appends continue after the old end.
 */
class CrashIT {
    private static final String TOPIC = "crash";
    private static final int PARTITIONS = 3;
    private static final int IN_FLIGHT = 5_000;

    @Test
    void acknowledgedRecordsSurviveKill9() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(BrokerSpec.fresh(Map.of()))) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get();
            }
            Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicReference<Exception> failure = new AtomicReference<>();
            AtomicBoolean stop = new AtomicBoolean();
            try (KafkaProducer<Long, Long> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                    ProducerConfig.LINGER_MS_CONFIG, 2,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
                    ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200),
                    new LongSerializer(), new LongSerializer())) {
                // At most IN_FLIGHT unacknowledged records, so the log holds about what was acknowledged.
                Semaphore inFlight = new Semaphore(IN_FLIGHT);
                Thread load = new Thread(() -> {
                    for (long i = 0; !stop.get(); i++) {
                        long value = i;
                        inFlight.acquireUninterruptibly();
                        producer.send(new ProducerRecord<>(TOPIC, (int) (i % PARTITIONS), value, value), (md, e) -> {
                            inFlight.release();
                            if (e == null) {
                                acknowledged.add(value);
                            } else {
                                failure.compareAndSet(null, e);
                            }
                        });
                    }
                }, "crash-load");
                load.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 20_000);
                broker.kill9();
                int beforeRestart = acknowledged.size();
                broker.restart();
                await().atMost(Duration.ofSeconds(120)).until(() -> acknowledged.size() >= beforeRestart + 20_000);
                stop.set(true);
                load.join();
                producer.flush();
            }
            assertThat(failure.get()).as("no send failed: the producer retried across the restart").isNull();
            // Killed again with nothing written after the restart: every acknowledged record must be
            // readable at once (the high watermark is recovered, not left at its last checkpoint).
            broker.kill9();
            broker.restart();

            List<Long> stored = readAll(broker.bootstrap());
            // Set arithmetic, not AssertJ's containsAll/doesNotHaveDuplicates: those scan the whole
            // collection per element, minutes for the hundreds of thousands of records stored here.
            Set<Long> distinct = new HashSet<>(stored);
            Set<Long> lost = new HashSet<>(acknowledged);
            lost.removeAll(distinct);
            assertThat(lost).as("acknowledged records missing after restart").isEmpty();
            assertThat(distinct).as("no record is stored twice").hasSize(stored.size());
        }
    }

    private static List<Long> readAll(String bootstrap) {
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            tps.add(new TopicPartition(TOPIC, p));
        }
        List<Long> values = new ArrayList<>();
        try (KafkaConsumer<Long, Long> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new LongDeserializer(), new LongDeserializer())) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            Map<TopicPartition, Long> expectedNext = new ConcurrentHashMap<>();
            tps.forEach(tp -> expectedNext.put(tp, 0L));
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<Long, Long> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    assertThat(r.offset()).as("dense offsets in %s", tp).isEqualTo(expectedNext.get(tp));
                    expectedNext.put(tp, r.offset() + 1);
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
