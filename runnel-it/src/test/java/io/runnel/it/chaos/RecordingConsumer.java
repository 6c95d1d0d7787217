package io.runnel.it.chaos;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A classic-protocol group member on its own thread: it polls, commits asynchronously after every
 * poll and records every (partition, offset, value) it reads, duplicates after a rebalance
 * included (at-least-once), plus the highest offset read per partition.
 *
 * <p>Thread-safety: the consumer is used by its own thread only ({@link #close} wakes it);
 * {@link #seen}, {@link #highestOffsets} and {@link #failure} may be read from any thread.
 */
final class RecordingConsumer implements AutoCloseable {
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private final Queue<StoredRecord> seen = new ConcurrentLinkedQueue<>();
    private final Map<Integer, Long> highestOffsets = new ConcurrentHashMap<>();
    private volatile boolean running = true;
    private volatile Throwable failure;

    RecordingConsumer(String name, String bootstrap, String group, String topic) {
        this(name, bootstrap, group, topic, IsolationLevel.READ_UNCOMMITTED);
    }

    RecordingConsumer(String name, String bootstrap, String group, String topic, IsolationLevel isolation) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString().toLowerCase(Locale.ROOT),
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, name,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000), new StringDeserializer(), new StringDeserializer());
        this.thread = new Thread(() -> run(topic), "chaos-consumer-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    private void run(String topic) {
        try {
            consumer.subscribe(List.of(topic));
            while (running) {
                var records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<String, String> r : records) {
                    seen.add(new StoredRecord(r.partition(), r.offset(), r.value()));
                    highestOffsets.merge(r.partition(), r.offset(), Math::max);
                }
                if (!records.isEmpty()) {
                    consumer.commitAsync(); // a failed commit only means re-reading after a rebalance
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close(); // leaves the group
        }
    }

    /** Every record read so far, in read order. */
    List<StoredRecord> seen() {
        return new ArrayList<>(seen);
    }

    /** The highest offset read so far by partition. */
    Map<Integer, Long> highestOffsets() {
        return Map.copyOf(highestOffsets);
    }

    /** What ended the poll loop other than {@link #close}, or null. */
    Throwable failure() {
        return failure;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(TimeUnit.SECONDS.toMillis(30));
    }
}
