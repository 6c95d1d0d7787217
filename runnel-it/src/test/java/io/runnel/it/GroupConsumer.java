package io.runnel.it;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A classic-protocol group member polling on its own thread, for group tests: it records its
 * current assignment after every poll and adds what it reads to a shared set of
 * "partition:offset" strings. {@link #close} leaves the group (LeaveGroup).
 */
final class GroupConsumer implements AutoCloseable {
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private final Set<String> seen;
    private volatile Set<TopicPartition> assignment = Set.of();
    private volatile boolean running = true;

    GroupConsumer(String bootstrap, String group, String topic, String assignor, Set<String> seen,
                  Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic",
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 3000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 300,
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 15000));
        props.putAll(overrides);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
        this.seen = seen;
        this.thread = new Thread(() -> run(topic), "group-consumer-" + group);
        thread.setDaemon(true);
        thread.start();
    }

    Set<TopicPartition> assignment() {
        return assignment;
    }

    private void run(String topic) {
        try {
            consumer.subscribe(List.of(topic));
            while (running) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    seen.add(r.partition() + ":" + r.offset());
                }
                assignment = Set.copyOf(consumer.assignment());
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(); // leaves the group
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(TimeUnit.SECONDS.toMillis(30));
    }
}
