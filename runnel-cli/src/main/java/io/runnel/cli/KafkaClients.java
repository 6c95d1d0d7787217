package io.runnel.cli;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.Properties;

/**
 * Makes the Kafka clients commands use, from client properties; tests swap in kafka-clients'
 * {@code MockProducer}/{@code MockConsumer}. Keys and values are raw bytes.
 */
public interface KafkaClients {
    KafkaClients REAL = new KafkaClients() {
        @Override
        public Admin admin(Properties props) {
            return Admin.create(props);
        }

        @Override
        public Producer<byte[], byte[]> producer(Properties props) {
            return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public Consumer<byte[], byte[]> consumer(Properties props) {
            return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
    };

    Admin admin(Properties props);

    Producer<byte[], byte[]> producer(Properties props);

    Consumer<byte[], byte[]> consumer(Properties props);
}
