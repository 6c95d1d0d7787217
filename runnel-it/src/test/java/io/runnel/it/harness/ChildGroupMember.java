package io.runnel.it.harness;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A group member for a child JVM ({@link ChildJvm#start}), so a test can kill it with SIGKILL and
 * no LeaveGroup is sent. Arguments: bootstrap, group, topic, {@code group.protocol} (classic or
 * consumer) and, for classic, the assignor class. It subscribes and polls until killed, printing
 * {@code assigned N} whenever its partition count changes; it never commits, so whoever takes
 * its partitions over reads them again. Classic members use a 3 s session timeout.
 */
public final class ChildGroupMember {
    private ChildGroupMember() {
    }

    public static void main(String[] args) {
        Map<String, Object> props = new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0],
                ConsumerConfig.GROUP_ID_CONFIG, args[1],
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, args[3],
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        if (args[3].equals("classic")) {
            props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, args[4]);
            props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 3000);
            props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 300);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(args[2]));
            int reported = -1;
            while (true) {
                consumer.poll(Duration.ofMillis(100));
                int size = consumer.assignment().size();
                if (size != reported) {
                    System.out.println("assigned " + size);
                    System.out.flush();
                    reported = size;
                }
            }
        }
    }
}
