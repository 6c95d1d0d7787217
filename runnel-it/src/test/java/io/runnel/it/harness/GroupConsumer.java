package io.runnel.it.harness;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A group member polling on its own thread, for group tests: it records its current assignment
 * after every poll and adds what it reads to a shared set of "partition:offset" strings. It
 * auto-commits every 500 ms; {@link #close} commits and leaves the group (LeaveGroup, or a
 * ConsumerGroupHeartbeat with epoch -1 for {@code group.protocol=consumer}).
 */
public final class GroupConsumer implements AutoCloseable {
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private final Set<String> seen;
    private final boolean consumerProtocol;
    private volatile Set<TopicPartition> assignment = Set.of();
    private volatile boolean running = true;

    private GroupConsumer(String bootstrap, String group, String topic, Set<String> seen,
                          Map<String, Object> protocolProps) {
        Map<String, Object> props = new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, 500,
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 15000));
        props.putAll(protocolProps);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
        this.seen = seen;
        this.consumerProtocol = "consumer".equals(props.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG));
        this.thread = new Thread(() -> run(topic), "group-consumer-" + group);
        thread.setDaemon(true);
        thread.start();
    }

    /** A {@code group.protocol=classic} member with the client's default assignors (range, cooperative-sticky). */
    public static GroupConsumer classic(String bootstrap, String group, String topic, Set<String> seen) {
        return new GroupConsumer(bootstrap, group, topic, seen, classicProps());
    }

    /** A {@code group.protocol=classic} member with one assignor (a class name). */
    public static GroupConsumer classic(String bootstrap, String group, String topic, Set<String> seen, String assignor) {
        Map<String, Object> props = classicProps();
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor);
        return new GroupConsumer(bootstrap, group, topic, seen, props);
    }

    /**
     * A {@code group.protocol=consumer} (KIP-848) member: the broker's assignor, session timeout and
     * heartbeat interval apply.
     */
    public static GroupConsumer consumerProtocol(String bootstrap, String group, String topic, Set<String> seen) {
        return new GroupConsumer(bootstrap, group, topic, seen,
                Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer"));
    }

    /** Session of 3 s, heartbeats every 300 ms. */
    private static Map<String, Object> classicProps() {
        return new HashMap<>(Map.of(
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 3000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 300));
    }

    /** Whether it uses {@code group.protocol=consumer} (else classic). */
    public boolean usesConsumerProtocol() {
        return consumerProtocol;
    }

    /** The assignment after the last poll. */
    public Set<TopicPartition> assignment() {
        return assignment;
    }

    /**
     * Waits until every one of {@code partitions} partitions is owned, as the clients see it, by
     * exactly one of {@code consumers}, and each owns at least one.
     */
    public static void awaitSplit(List<GroupConsumer> consumers, int partitions) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<TopicPartition> all = new ArrayList<>();
            for (GroupConsumer c : consumers) {
                assertThat(c.assignment()).isNotEmpty();
                all.addAll(c.assignment());
            }
            assertThat(all).hasSize(partitions).doesNotHaveDuplicates();
        });
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
            consumer.close(); // commits and leaves the group
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(TimeUnit.SECONDS.toMillis(30));
    }
}
