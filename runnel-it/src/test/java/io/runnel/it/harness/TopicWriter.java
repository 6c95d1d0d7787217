package io.runnel.it.harness;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.Map;

/** Fills a topic's partitions with string records, for tests that read them back. */
public final class TopicWriter {
    private TopicWriter() {
    }

    /**
     * Sends {@code perPartition} records ({@code k<i>}/{@code v<i>}) to each of partitions 0 to
     * {@code partitions - 1} and returns once all are acknowledged.
     */
    public static void produce(String bootstrap, String topic, int partitions, int perPartition) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new StringSerializer())) {
            for (int p = 0; p < partitions; p++) {
                for (int i = 0; i < perPartition; i++) {
                    producer.send(new ProducerRecord<>(topic, p, "k" + i, "v" + i));
                }
            }
            producer.flush();
        }
    }
}
