package io.runnel.it;

import io.runnel.it.harness.InProcessBroker;
import io.runnel.it.harness.RawKafkaClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tens of thousands of random and mutated frames over hundreds of connections; afterwards the
 * broker still answers and the records acknowledged before the storm are unchanged.
 */
class FuzzIT {
    private static final String PRECIOUS = "precious";
    private static final int CONNECTIONS = 400;
    private static final int FRAMES_PER_CONNECTION = 60;

    @Test
    void brokerSurvivesGarbageAndKeepsData() throws Exception {
        try (InProcessBroker broker = InProcessBroker.start(Map.of("socket.request.max.bytes", "1048576"))) {
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic(PRECIOUS, 2, (short) 1), new NewTopic("fuzz-target", 1, (short) 1)))
                        .all().get();
            }
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrap()), new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < 500; i++) {
                    producer.send(new ProducerRecord<>(PRECIOUS, i % 2, ("k" + i).getBytes(), ("v" + i).getBytes()));
                }
                producer.flush();
            }
            Map<String, String> before = snapshot(broker.bootstrap());
            assertThat(before).hasSize(500);

            List<byte[]> seeds = seeds();
            Random random = new Random(42);
            for (int c = 0; c < CONNECTIONS; c++) {
                storm(broker.spec().port(), seeds, random);
            }

            try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", broker.spec().port())) {
                ApiVersionsResponse response = (ApiVersionsResponse) client.send(new ApiVersionsRequest.Builder());
                assertThat(response.data().errorCode()).isEqualTo(Errors.NONE.code());
            }
            assertThat(snapshot(broker.bootstrap())).isEqualTo(before);
        }
    }

    private static void storm(int port, List<byte[]> seeds, Random random) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            try {
                for (int f = 0; f < FRAMES_PER_CONNECTION; f++) {
                    out.write(frame(seeds, random));
                }
                out.flush();
                socket.shutdownOutput();
                InputStream in = socket.getInputStream();
                byte[] sink = new byte[8192];
                while (in.read(sink) >= 0) {
                    // drain until the broker closes or answers everything
                }
            } catch (IOException closedByBroker) {
                // expected for most garbage
            }
        }
    }

    /** A random frame (40%) or a valid request with a few bytes flipped, cut short or extended. */
    private static byte[] frame(List<byte[]> seeds, Random random) {
        if (random.nextInt(10) < 4) {
            byte[] body = new byte[random.nextInt(200)];
            random.nextBytes(body);
            int size = random.nextInt(20) == 0 ? random.nextInt() : body.length;
            return ByteBuffer.allocate(4 + body.length).putInt(size).put(body).array();
        }
        byte[] seed = seeds.get(random.nextInt(seeds.size())).clone();
        switch (random.nextInt(3)) {
            case 0 -> {
                for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
                    int at = 4 + random.nextInt(seed.length - 4);
                    seed[at] = (byte) random.nextInt(256);
                }
            }
            case 1 -> {
                int cut = 4 + random.nextInt(seed.length - 4);
                byte[] shorter = new byte[cut];
                System.arraycopy(seed, 0, shorter, 0, cut);
                ByteBuffer.wrap(shorter).putInt(0, cut - 4);
                seed = shorter;
            }
            default -> {
                byte[] longer = new byte[seed.length + 1 + random.nextInt(32)];
                System.arraycopy(seed, 0, longer, 0, seed.length);
                for (int i = seed.length; i < longer.length; i++) {
                    longer[i] = (byte) random.nextInt(256);
                }
                ByteBuffer.wrap(longer).putInt(0, longer.length - 4);
                seed = longer;
            }
        }
        return seed;
    }

    private static List<byte[]> seeds() {
        List<AbstractRequest> requests = new ArrayList<>();
        requests.add(new ApiVersionsRequest.Builder(new ApiVersionsRequestData().setClientSoftwareName("fuzz")
                .setClientSoftwareVersion("1"), (short) 3, (short) 3).build((short) 3));
        requests.add(new MetadataRequest.Builder(new MetadataRequestData().setTopics(null).setAllowAutoTopicCreation(false))
                .build((short) 12));
        ProduceRequestData produce = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(1000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName("fuzz-target");
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
                .setRecords(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("fuzz".getBytes()))));
        produce.topicData().add(topic);
        requests.add(ProduceRequest.builder(produce).build((short) 12));
        requests.add(FetchRequest.Builder.forConsumer((short) 12, 0, 1, Map.of(new TopicPartition("fuzz-target", 0),
                new FetchRequest.PartitionData(org.apache.kafka.common.Uuid.ZERO_UUID, 0, 0, 1024,
                        java.util.Optional.empty()))).build((short) 12));
        requests.add(ListOffsetsRequest.Builder.forConsumer(false, IsolationLevel.READ_UNCOMMITTED)
                .setTargetTimes(List.of(new ListOffsetsRequestData.ListOffsetsTopic().setName("fuzz-target").setPartitions(
                        List.of(new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-1)))))
                .build((short) 7));
        CreateTopicsRequestData create = new CreateTopicsRequestData().setTimeoutMs(1000).setValidateOnly(true);
        create.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("fuzz-new").setNumPartitions(1)
                .setReplicationFactor((short) 1));
        requests.add(new CreateTopicsRequest.Builder(create).build((short) 7));
        DescribeConfigsRequestData describe = new DescribeConfigsRequestData();
        describe.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType((byte) 2)
                .setResourceName("fuzz-target"));
        requests.add(new DescribeConfigsRequest.Builder(describe).build((short) 4));

        List<byte[]> frames = new ArrayList<>();
        int correlation = 0;
        for (AbstractRequest request : requests) {
            ByteBuffer payload = request.serializeWithHeader(
                    new RequestHeader(request.apiKey(), request.version(), "fuzz", ++correlation));
            frames.add(ByteBuffer.allocate(4 + payload.remaining()).putInt(payload.remaining()).put(payload).array());
        }
        return frames;
    }

    private static Map<String, String> snapshot(String bootstrap) {
        List<TopicPartition> tps = List.of(new TopicPartition(PRECIOUS, 0), new TopicPartition(PRECIOUS, 1));
        Map<String, String> out = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.put(r.partition() + "@" + r.offset(), new String(r.key()) + "=" + new String(r.value()));
                }
            }
        }
        return out;
    }
}
