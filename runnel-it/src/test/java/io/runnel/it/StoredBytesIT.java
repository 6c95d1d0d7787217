package io.runnel.it;

import io.runnel.it.harness.InProcessBroker;
import io.runnel.it.harness.RawKafkaClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker stores a produced batch as the client sent it: never decompressed or re-encoded.
 * Only the fields the broker owns differ: base offset (bytes 0-7) and partition leader epoch
 * (bytes 12-15), both outside the v2 CRC, which covers attributes (byte 21) to the end.
 */
class StoredBytesIT {
    private static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
    private static final int MAGIC_OFFSET = 16;
    private static final int CRC_OFFSET = 17;
    private static final int ATTRIBUTES_OFFSET = 21;

    private static InProcessBroker broker;

    @BeforeAll
    static void start() {
        broker = InProcessBroker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void storedBatchIsTheSentBatch(String codec) throws Exception {
        String topic = "stored-" + codec;
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        byte[] sent = batch(Compression.of(codec).build());
        try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", broker.spec().port())) {
            assertThat(produce(client, topic, MemoryRecords.readableRecords(ByteBuffer.wrap(sent)))).isEqualTo(Errors.NONE);
        }

        Path segment = broker.spec().dataDir().resolve(topic + "-0").resolve("00000000000000000000.log");
        byte[] file = Files.readAllBytes(segment);
        assertThat(file.length).isGreaterThanOrEqualTo(sent.length);
        byte[] stored = Arrays.copyOf(file, sent.length);

        assertThat(ByteBuffer.wrap(stored).getLong(0)).as("base offset").isZero();
        assertThat(ByteBuffer.wrap(stored).getInt(8)).as("batch length").isEqualTo(sent.length - 12);
        assertThat(Arrays.copyOfRange(stored, 8, PARTITION_LEADER_EPOCH_OFFSET))
                .isEqualTo(Arrays.copyOfRange(sent, 8, PARTITION_LEADER_EPOCH_OFFSET));
        assertThat(Arrays.copyOfRange(stored, CRC_OFFSET, ATTRIBUTES_OFFSET)).as("crc")
                .isEqualTo(Arrays.copyOfRange(sent, CRC_OFFSET, ATTRIBUTES_OFFSET));
        assertThat(Arrays.copyOfRange(stored, MAGIC_OFFSET, sent.length)).as("magic onwards")
                .isEqualTo(Arrays.copyOfRange(sent, MAGIC_OFFSET, sent.length));

        RecordBatch storedBatch = MemoryRecords.readableRecords(ByteBuffer.wrap(stored)).batches().iterator().next();
        assertThat(storedBatch.isValid()).isTrue();
        assertThat(storedBatch.compressionType().name).isEqualTo(codec);
        assertThat(storedBatch.countOrNull()).isEqualTo(5);
    }

    private static byte[] batch(Compression compression) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(4096), RecordBatch.CURRENT_MAGIC_VALUE,
                compression, TimestampType.CREATE_TIME, 0L);
        for (int i = 0; i < 5; i++) {
            byte[] value = ("value " + i + " ").repeat(20).getBytes(StandardCharsets.UTF_8);
            Header[] headers = {new RecordHeader("h" + i, ("v" + i).getBytes(StandardCharsets.UTF_8)),
                new RecordHeader("trace", new byte[] {1, 2, 3})};
            builder.append(1_700_000_000_000L + i, ("key-" + i).getBytes(StandardCharsets.UTF_8), value, headers);
        }
        ByteBuffer buffer = builder.build().buffer();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static Errors produce(RawKafkaClient client, String topicName, MemoryRecords records) {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(5_000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(topicName);
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records));
        data.topicData().add(topic);
        ProduceResponse response = (ProduceResponse) client.send(ProduceRequest.builder(data), (short) 12);
        ProduceResponseData.PartitionProduceResponse p =
                response.data().responses().iterator().next().partitionResponses().get(0);
        return Errors.forCode(p.errorCode());
    }
}
