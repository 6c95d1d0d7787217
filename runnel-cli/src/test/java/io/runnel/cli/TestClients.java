package io.runnel.cli;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.Properties;

/** kafka-clients' mocks in place of real clients; remembers the properties each was made with. */
public final class TestClients implements KafkaClients {
    public final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    public final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("latest");
    public Properties producerProps;
    public Properties consumerProps;

    @Override
    public Admin admin(Properties props) {
        throw new UnsupportedOperationException("no Admin in unit tests");
    }

    @Override
    public Producer<byte[], byte[]> producer(Properties props) {
        producerProps = props;
        return producer;
    }

    @Override
    public Consumer<byte[], byte[]> consumer(Properties props) {
        consumerProps = props;
        return consumer;
    }
}
