package io.runnel.it;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A group member in its own JVM, so a test can kill it with SIGKILL (no LeaveGroup). Arguments:
 * bootstrap, group, topic, assignor class. Prints "assigned N" whenever its assignment changes;
 * never commits, so its partitions are re-read by whoever takes them over.
 */
public final class ChildConsumer {
    private ChildConsumer() {
    }

    public static void main(String[] args) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0],
                ConsumerConfig.GROUP_ID_CONFIG, args[1],
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic",
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, args[3],
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 3000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 300);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(args[2]));
            int last = -1;
            while (true) {
                consumer.poll(Duration.ofMillis(100));
                int size = consumer.assignment().size();
                if (size != last) {
                    System.out.println("assigned " + size);
                    System.out.flush();
                    last = size;
                }
            }
        }
    }
}
