package io.runnel.it;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A consumer of the KIP-848 protocol ({@code group.protocol=consumer}) that a test runs in a child
 * JVM and kills with kill -9: it subscribes and polls until killed, printing its partition count
 * whenever it changes. Arguments: bootstrap servers, group id, topic.
 */
public final class ConsumerProtocolMember {

    private ConsumerProtocolMember() {
    }

    public static void main(String[] args) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0],
                ConsumerConfig.GROUP_ID_CONFIG, args[1],
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(args[2]));
            int reported = -1;
            while (true) {
                consumer.poll(Duration.ofMillis(100));
                if (consumer.assignment().size() != reported) {
                    reported = consumer.assignment().size();
                    System.out.println("ASSIGNED " + reported);
                    System.out.flush();
                }
            }
        }
    }
}
