package io.runnel.it;

import io.runnel.it.harness.InProcessBroker;
import io.runnel.it.harness.RawKafkaClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input gets Kafka's error code or a closed connection, never a crash, and never changes
 * acknowledged data: after every bad request, the records acknowledged before are all still
 * there and offsets continue.
 */
class BadInputIT {
    private static final String TOPIC = "bad-input";
    private static InProcessBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = InProcessBroker.start(Map.of("socket.request.max.bytes", "1048576"));
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of(
                    "max.message.bytes", "2048",
                    "message.timestamp.before.max.ms", "3600000")))).all().get();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void badRequestsAreRefusedAndAcknowledgedDataIsKept() {
        List<String> acknowledged = new ArrayList<>();
        try (RawKafkaClient client = client()) {
            assertThat(produce(client, batch("a0", System.currentTimeMillis()))).isEqualTo(Errors.NONE);
            acknowledged.add("a0");

            MemoryRecords corrupt = batch("corrupt", System.currentTimeMillis());
            ByteBuffer bytes = corrupt.buffer();
            bytes.put(bytes.limit() - 2, (byte) (bytes.get(bytes.limit() - 2) ^ 0x5a));
            assertThat(produce(client, corrupt)).isEqualTo(Errors.CORRUPT_MESSAGE);

            assertThat(produce(client, batch("x".repeat(4096), System.currentTimeMillis()))).isEqualTo(Errors.MESSAGE_TOO_LARGE);
            assertThat(produce(client, batch("old", System.currentTimeMillis() - 86_400_000L))).isEqualTo(Errors.INVALID_TIMESTAMP);

            assertThat(produce(client, batch("a1", System.currentTimeMillis()))).isEqualTo(Errors.NONE);
            acknowledged.add("a1");
        }

        try (RawKafkaClient client = client()) {
            ByteBuffer frame = ByteBuffer.allocate(8).putInt(4).putShort((short) 999).putShort((short) 0);
            client.writeRaw(frame.array());
            assertThat(client.isClosedByPeer()).as("unknown api key closes the connection").isTrue();
        }
        try (RawKafkaClient client = client()) {
            client.writeRaw(ByteBuffer.allocate(4).putInt(200 * 1024 * 1024).array());
            assertThat(client.isClosedByPeer()).as("a frame over socket.request.max.bytes closes the connection").isTrue();
        }
        try (RawKafkaClient client = client()) {
            client.writeRaw(ByteBuffer.allocate(10).putInt(6).putShort((short) 18).putShort((short) 3).putShort((short) 7).array());
            assertThat(client.isClosedByPeer()).as("a truncated header closes the connection").isTrue();
        }

        try (RawKafkaClient client = client()) {
            client.writeFrame(requestHeaderOnly(ApiKeys.METADATA, (short) 99));
            assertThat(client.isClosedByPeer()).as("an unsupported Metadata version closes the connection").isTrue();
        }
        try (RawKafkaClient client = client()) {
            client.writeFrame(requestHeaderOnly(ApiKeys.API_VERSIONS, (short) 99));
            ApiVersionsResponseData fallback = new ApiVersionsResponseData(new ByteBufferAccessor(skipHeader(client.readFrame())), (short) 0);
            assertThat(fallback.errorCode()).as("KIP-511: an unknown ApiVersions version is answered at v0")
                    .isEqualTo(Errors.UNSUPPORTED_VERSION.code());
            assertThat(fallback.apiKeys().find(ApiKeys.API_VERSIONS.id)).isNotNull();
        }
        try (RawKafkaClient client = client()) {
            ApiVersionsResponse versions = (ApiVersionsResponse) client.send(new ApiVersionsRequest.Builder(
                    new ApiVersionsRequestData().setClientSoftwareName("it").setClientSoftwareVersion("1"), (short) 3, (short) 3));
            assertThat(versions.data().errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(produce(client, batch("a2", System.currentTimeMillis()))).isEqualTo(Errors.NONE);
            acknowledged.add("a2");
        }

        assertThat(readAll()).containsExactlyElementsOf(acknowledged);
    }

    /** A request header (v2: key, version, correlation id, client id, no tags) and no body. */
    private static ByteBuffer requestHeaderOnly(ApiKeys key, short version) {
        byte[] clientId = "it".getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(2 + 2 + 4 + 2 + clientId.length + 1);
        frame.putShort(key.id).putShort(version).putInt(7).putShort((short) clientId.length).put(clientId).put((byte) 0);
        return frame.flip();
    }

    /** Skips a v0 response header (the correlation id). */
    private static ByteBuffer skipHeader(ByteBuffer response) {
        response.getInt();
        return response;
    }

    private static RawKafkaClient client() {
        return new RawKafkaClient("127.0.0.1", broker.spec().port());
    }

    private static MemoryRecords batch(String value, long timestamp) {
        return MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(timestamp, null, value.getBytes(StandardCharsets.UTF_8)));
    }

    private static Errors produce(RawKafkaClient client, MemoryRecords records) {
        return client.produce(TOPIC, 0, records);
    }

    private static List<String> readAll() {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrap()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }
}
