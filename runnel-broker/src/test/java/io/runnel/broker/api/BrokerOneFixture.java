package io.runnel.broker.api;

import io.runnel.broker.fetch.FetchSessionCache;
import io.runnel.broker.fetch.ReadReplicaSelector;
import io.runnel.broker.network.RequestContext;
import io.runnel.broker.purgatory.Purgatory;
import io.runnel.broker.replica.Partition;
import io.runnel.broker.replica.ReplicaManager;
import io.runnel.broker.replica.ReplicationSettings;
import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import io.runnel.storage.FileSlice;
import io.runnel.storage.LogConfig;
import io.runnel.storage.LogManager;
import io.runnel.storage.StorageSettings;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.utils.Time;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Broker 1 of a three-broker cluster (racks r1, r2, r3; PLAINTEXT endpoints on ports 9001-9003),
 * with its replica manager on real logs in a temp dir and Produce, Fetch, ListOffsets and
 * OffsetForLeaderEpoch handlers called directly. Topic {@code t}, every partition in leader
 * epoch 5: partition 0 led by broker 1 (replicas 1, 2, 3, all in sync), partition 1 led by
 * broker 2 (replicas 1, 2: broker 1 follows), partition 2 led by broker 3 on brokers 2 and 3
 * only. Followed partitions' fetchers point at closed ports, so they never fetch.
 */
final class BrokerOneFixture implements AutoCloseable {
    static final int EPOCH = 5;
    static final Uuid TOPIC_ID = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAw");
    static final TopicPartition LED = new TopicPartition("t", 0);
    static final TopicPartition FOLLOWED = new TopicPartition("t", 1);
    static final TopicPartition NOT_HOSTED = new TopicPartition("t", 2);
    static final MetadataImage IMAGE = image();

    final ReplicaManager replicas;
    final ProduceHandler produce;
    final FetchHandler fetch;
    final ListOffsetsHandler listOffsets;
    final OffsetForLeaderEpochHandler offsetForLeaderEpoch;
    private final LogManager logs;
    final Purgatory<TopicPartition> fetches = new Purgatory<>("fetch");
    final Purgatory<TopicPartition> produces = new Purgatory<>("produce");

    BrokerOneFixture(Path dir, ReadReplicaSelector selector) {
        LogConfig config = LogConfig.create(LogConfig.defaultsFromBroker(Map.of()), Map.of());
        logs = LogManager.start(List.of(dir), new StorageSettings(config, 300_000, Long.MAX_VALUE, 60_000,
                86_400_000, 600_000), Time.SYSTEM);
        replicas = new ReplicaManager(1, logs, Map.of(),
                new ReplicationSettings("REPLICATION", 30_000, 60_000, 200, 1, 1024 * 1024, 10 * 1024 * 1024, 5_000),
                request -> new CompletableFuture<>(), tp -> {
                    fetches.checkAndComplete(tp);
                    produces.checkAndComplete(tp);
                }, Time.SYSTEM);
        replicas.onMetadataUpdate(MetadataImage.empty("c"), IMAGE);
        produce = new ProduceHandler(1, replicas, fetches, produces, null, false); // no transactions here
        fetch = new FetchHandler(replicas, new FetchSessionCache(10, 60_000, Time.SYSTEM), fetches, selector);
        listOffsets = new ListOffsetsHandler(replicas);
        offsetForLeaderEpoch = new OffsetForLeaderEpochHandler(replicas);
    }

    private static MetadataImage image() {
        TopicImage topic = new TopicImage("t", TOPIC_ID, Map.of(
                0, new PartitionRegistration(List.of(1, 2, 3), List.of(1, 2, 3), 1, EPOCH, EPOCH),
                1, new PartitionRegistration(List.of(2, 1), List.of(2, 1), 2, EPOCH, EPOCH),
                2, new PartitionRegistration(List.of(3, 2), List.of(3, 2), 3, EPOCH, EPOCH)));
        return new MetadataImage("c", 10, Map.of(1, broker(1), 2, broker(2), 3, broker(3)),
                Map.of("t", topic), Map.of(TOPIC_ID, topic), Map.of(), 0);
    }

    private static BrokerRegistration broker(int id) {
        return new BrokerRegistration(id, Uuid.randomUuid(), List.of(
                new BrokerRegistration.Endpoint("PLAINTEXT", "127.0.0.1", 9000 + id, "PLAINTEXT"),
                new BrokerRegistration.Endpoint("REPLICATION", "127.0.0.1", 1, "PLAINTEXT")), "r" + id, false);
    }

    Partition partition(TopicPartition tp) {
        return replicas.partition(tp).orElseThrow();
    }

    /** Appends one-record batches in leader epoch {@link #EPOCH} to this broker's log of {@code tp}. */
    void appendBatches(TopicPartition tp, int count) {
        for (int i = 0; i < count; i++) {
            partition(tp).log().appendAsLeader(MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord(1_000L, null, ("v" + i).getBytes(StandardCharsets.UTF_8))), EPOCH);
        }
    }

    static RequestContext context(ApiKeys api, int version) {
        return new RequestContext(new RequestHeader(api, (short) version, "test-client", 1), "PLAINTEXT",
                new InetSocketAddress("127.0.0.1", 40000), "test", 0);
    }

    /**
     * Handles {@code request} at {@code version} and returns the response as a client decodes it
     * from the wire at that version, so only fields that version carries survive.
     */
    static <T extends ApiMessage> AbstractResponse call(ApiHandler<T> handler, T request, int version) {
        return overTheWire(handler.apiKey(), handler.handle(context(handler.apiKey(), version), request), version);
    }

    /**
     * The response as a client decodes it at {@code version}. Records read from segment files
     * (sent with sendfile by the network layer) are copied to memory first.
     */
    static AbstractResponse overTheWire(ApiKeys api, CompletableFuture<ApiMessage> handled, int version) {
        ApiMessage answer = handled.orTimeout(10, TimeUnit.SECONDS).join();
        if (answer instanceof FetchResponseData fetched) {
            fetched.responses().forEach(t -> t.partitions().forEach(p -> {
                if (p.records() instanceof FileSlice slice) {
                    p.setRecords(inMemory(slice));
                }
            }));
        }
        return AbstractResponse.parseResponse(api, MessageUtil.toByteBufferAccessor(answer, (short) version),
                (short) version);
    }

    private static MemoryRecords inMemory(FileSlice slice) {
        ByteBuffer buffer = ByteBuffer.allocate(slice.sizeInBytes());
        try {
            while (buffer.hasRemaining()) {
                if (slice.channel().read(buffer, slice.position() + buffer.position()) < 0) {
                    throw new EOFException("segment ended inside " + slice);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return MemoryRecords.readableRecords(buffer.flip());
    }

    @Override
    public void close() {
        replicas.close();
        fetches.close();
        produces.close();
        logs.close();
    }
}
