package io.runnel.broker.network;

import io.netty.channel.epoll.Epoll;
import io.runnel.storage.FileSlice;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Record data from a segment file goes out as a file region and reaches the client byte for byte. */
class ZeroCopyFetchTest {
    private static final short VERSION = ApiKeys.FETCH.latestVersion();
    private static final Uuid TOPIC_ID = Uuid.randomUuid();

    @TempDir
    Path dir;
    private FileChannel segment;
    private NetworkServer server;
    private final FakeDispatcher dispatcher = new FakeDispatcher();

    @BeforeEach
    void start() throws IOException {
        segment = FileChannel.open(dir.resolve("00000000000000000000.log"),
                StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private void startServer(Transport transport) {
        assumeTrue(transport != Transport.EPOLL || Epoll.isAvailable(), "epoll is not available here");
        server = NetworkServer.start(List.of(new ListenerSpec("PLAINTEXT", "127.0.0.1", 0)), dispatcher,
                new NetworkSettings(1024 * 1024, 1, 60_000, -1, -1), Time.SYSTEM, transport);
    }

    @AfterEach
    void stop() throws IOException {
        segment.close();
        if (server != null) {
            server.close();
            assertThat(server.unexpectedErrors()).isZero();
        }
    }

    private static MemoryRecords records(long baseOffset, int count, int valueBytes) {
        SimpleRecord[] records = IntStream.range(0, count)
                .mapToObj(i -> new SimpleRecord(("key-" + i).getBytes(StandardCharsets.UTF_8),
                        ("v" + i + "-").repeat(valueBytes / 3 + 1).getBytes(StandardCharsets.UTF_8)))
                .toArray(SimpleRecord[]::new);
        return MemoryRecords.withRecords(baseOffset, Compression.NONE, records);
    }

    /** Appends the batches to the segment after some unrelated bytes; returns the slice over them. */
    private FileSlice appendToSegment(MemoryRecords records) throws IOException {
        segment.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7}), segment.size());
        long position = segment.size();
        segment.write(records.buffer(), position);
        return new FileSlice(segment, position, records.sizeInBytes());
    }

    private static FetchResponseData.PartitionData partition(int index, org.apache.kafka.common.record.internal.BaseRecords records) {
        return new FetchResponseData.PartitionData().setPartitionIndex(index).setHighWatermark(1000)
                .setLastStableOffset(1000).setLogStartOffset(0).setRecords(records);
    }

    private FetchRequest fetchRequest() {
        return new FetchRequest(new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1)
                .setMaxBytes(Integer.MAX_VALUE).setTopics(List.of(new FetchRequestData.FetchTopic().setTopicId(TOPIC_ID)
                        .setPartitions(List.of(new FetchRequestData.FetchPartition().setPartition(0))))), VERSION);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void fileSlicesAndMemoryRecordsArriveByteForByte(Transport transport) throws IOException {
        startServer(transport);
        MemoryRecords first = records(0, 10, 100);
        MemoryRecords second = records(10, 3, 200_000);
        MemoryRecords inMemory = records(13, 5, 50);
        FileSlice firstSlice = appendToSegment(first);
        FileSlice secondSlice = appendToSegment(second);
        dispatcher.handle(ApiKeys.FETCH, (context, request) -> CompletableFuture.completedFuture(
                new FetchResponseData().setResponses(List.of(new FetchResponseData.FetchableTopicResponse()
                        .setTopicId(TOPIC_ID).setPartitions(new ArrayList<>(List.of(
                                partition(0, firstSlice), partition(1, secondSlice), partition(2, inMemory),
                                partition(3, MemoryRecords.EMPTY))))))));

        for (int round = 0; round < 3; round++) {
            try (WireClient client = new WireClient(server.boundPort("PLAINTEXT"))) {
                client.send(fetchRequest(), round);
                WireClient.Frame frame = client.receiveFrame(ApiKeys.FETCH, VERSION);
                assertThat(frame.correlationId()).isEqualTo(round);
                FetchResponse response = FetchResponse.parse(new ByteBufferAccessor(frame.body()), VERSION);
                List<FetchResponseData.PartitionData> partitions = response.data().responses().get(0).partitions();
                assertThat(bytes(partitions.get(0).records())).isEqualTo(bytes(first));
                assertThat(bytes(partitions.get(1).records())).isEqualTo(bytes(second));
                assertThat(bytes(partitions.get(2).records())).isEqualTo(bytes(inMemory));
                assertThat(partitions.get(3).records().sizeInBytes()).isZero();
                assertThat(offsets((Records) partitions.get(1).records())).containsExactly(10L, 11L, 12L);
            }
        }
        assertThat(segment.isOpen()).as("the segment's channel belongs to storage").isTrue();
    }

    @Test
    void fileSliceInAResponseThatIsNeverWrittenDoesNotCloseTheSegment() throws IOException {
        startServer(Transport.best());
        CompletableFuture<ApiMessage> late = new CompletableFuture<>();
        dispatcher.handle(ApiKeys.FETCH, (context, request) -> late);
        FileSlice slice = appendToSegment(records(0, 1, 10));
        try (WireClient client = new WireClient(server.boundPort("PLAINTEXT"))) {
            client.send(fetchRequest(), 1);
            org.awaitility.Awaitility.await().until(() -> late.getNumberOfDependents() > 0);
        }
        late.complete(new FetchResponseData().setResponses(List.of(new FetchResponseData.FetchableTopicResponse()
                .setTopicId(TOPIC_ID).setPartitions(List.of(partition(0, slice))))));
        assertThat(segment.isOpen()).isTrue();
    }

    private static byte[] bytes(org.apache.kafka.common.record.internal.BaseRecords records) {
        ByteBuffer buffer = ((MemoryRecords) records).buffer();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static List<Long> offsets(Records records) {
        List<Long> offsets = new ArrayList<>();
        for (Record record : records.records()) {
            offsets.add(record.offset());
        }
        return offsets;
    }
}
