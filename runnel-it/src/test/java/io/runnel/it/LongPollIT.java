package io.runnel.it;

import io.runnel.it.harness.InProcessBroker;
import io.runnel.it.harness.RawKafkaClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A Fetch with minBytes=1 at the log end parks until data arrives or maxWaitMs passes. */
class LongPollIT {
    private static final String TOPIC = "long-poll";
    private static final short FETCH_VERSION = 12;

    private static InProcessBroker broker;
    private static ExecutorService reader;

    @BeforeAll
    static void start() throws Exception {
        broker = InProcessBroker.start();
        reader = Executors.newSingleThreadExecutor();
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        reader.shutdownNow();
        assertThat(reader.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        broker.close();
    }

    @Test
    void parkedFetchReturnsAsSoonAsDataArrives() throws Exception {
        try (RawKafkaClient fetcher = client(); RawKafkaClient producer = client()) {
            long logEnd = produce(producer, "before");

            long sentAt = System.nanoTime();
            CompletableFuture<FetchResponse> fetch = sendFetch(fetcher, logEnd, 5_000);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !fetch.isDone());

            long producedAt = System.nanoTime();
            assertThat(produce(producer, "after")).isEqualTo(logEnd + 1);
            FetchResponse response = fetch.get(4, TimeUnit.SECONDS);
            long answeredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - producedAt);
            long totalMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt);

            FetchResponseData.PartitionData partition = partition(response);
            assertThat(Errors.forCode(partition.errorCode())).isEqualTo(Errors.NONE);
            assertThat(values(partition)).containsExactly("after");
            assertThat(answeredMs).as("answered right after the produce").isLessThan(2_000);
            assertThat(totalMs).as("well before maxWaitMs").isLessThan(4_000);
        }
    }

    @Test
    void fetchWithoutDataReturnsEmptyAfterMaxWait() throws Exception {
        try (RawKafkaClient fetcher = client(); RawKafkaClient producer = client()) {
            long logEnd = produce(producer, "x");
            long sentAt = System.nanoTime();
            FetchResponse response = sendFetch(fetcher, logEnd, 300).get(5, TimeUnit.SECONDS);
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt);

            FetchResponseData.PartitionData partition = partition(response);
            assertThat(Errors.forCode(partition.errorCode())).isEqualTo(Errors.NONE);
            assertThat(values(partition)).isEmpty();
            assertThat(partition.highWatermark()).isEqualTo(logEnd);
            assertThat(elapsedMs).isBetween(250L, 3_000L);
        }
    }

    /** Writes the request on this thread (so it is on the wire on return) and reads the answer on another. */
    private static CompletableFuture<FetchResponse> sendFetch(RawKafkaClient client, long offset, int maxWaitMs) {
        FetchRequest request = FetchRequest.Builder.forConsumer(FETCH_VERSION, maxWaitMs, 1,
                        Map.of(new TopicPartition(TOPIC, 0),
                                new FetchRequest.PartitionData(Uuid.ZERO_UUID, offset, 0, 1 << 20, Optional.empty())))
                .build(FETCH_VERSION);
        RequestHeader header = new RequestHeader(ApiKeys.FETCH, FETCH_VERSION, "long-poll-it", 7);
        client.writeFrame(request.serializeWithHeader(header));
        return CompletableFuture.supplyAsync(
                () -> (FetchResponse) AbstractResponse.parseResponse(client.readFrame(), header), reader);
    }

    /** Produces one record with acks=1; returns the log end offset after it. */
    private static long produce(RawKafkaClient client, String value) {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(value.getBytes(StandardCharsets.UTF_8)));
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(5_000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(TOPIC);
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records));
        data.topicData().add(topic);
        ProduceResponse response = (ProduceResponse) client.send(ProduceRequest.builder(data), (short) 12);
        ProduceResponseData.PartitionProduceResponse p =
                response.data().responses().iterator().next().partitionResponses().get(0);
        assertThat(Errors.forCode(p.errorCode())).isEqualTo(Errors.NONE);
        return p.baseOffset() + 1;
    }

    private static FetchResponseData.PartitionData partition(FetchResponse response) {
        assertThat(response.error()).isEqualTo(Errors.NONE);
        return response.data().responses().get(0).partitions().get(0);
    }

    private static List<String> values(FetchResponseData.PartitionData partition) {
        List<String> values = new ArrayList<>();
        if (partition.records() != null) {
            for (Record r : ((MemoryRecords) partition.records()).records()) {
                values.add(Utils.utf8(r.value()));
            }
        }
        return values;
    }

    private static RawKafkaClient client() {
        return new RawKafkaClient("127.0.0.1", broker.spec().port());
    }
}
