package io.runnel.broker.replica.fetcher;

import io.runnel.broker.network.BrokerChannel;
import io.runnel.broker.api.ApiHandler;
import io.runnel.broker.api.ApiTable;
import io.runnel.broker.api.FetchHandler;
import io.runnel.broker.api.OffsetForLeaderEpochHandler;
import io.runnel.broker.api.ProduceHandler;
import io.runnel.broker.fetch.FetchSessionCache;
import io.runnel.broker.fetch.ReadReplicaSelector;
import io.runnel.broker.network.ListenerSpec;
import io.runnel.broker.network.NetworkServer;
import io.runnel.broker.network.NetworkSettings;
import io.runnel.broker.network.RequestContext;
import io.runnel.broker.purgatory.Purgatory;
import io.runnel.broker.replica.AlterPartitionSender;
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
import io.runnel.storage.PartitionLog;
import io.runnel.storage.StorageSettings;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two brokers' replica managers in one JVM: broker 1 leads topic {@code t} (replicas [1, 2],
 * min.insync.replicas 2) and serves Produce, Fetch and OffsetForLeaderEpoch on a real listener;
 * broker 2 follows it with its own log manager and fetcher thread. Both are fed the same
 * metadata image, as the metadata quorum would.
 */
class ReplicationTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final Uuid TOPIC_ID = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAg");
    private static final ReplicationSettings SETTINGS =
            new ReplicationSettings("PLAINTEXT", 30_000, 100, 200, 1, 1024 * 1024, 10 * 1024 * 1024, 5_000);
    private static final LogConfig CONFIG = LogConfig.create(LogConfig.defaultsFromBroker(Map.of()), Map.of());

    @TempDir
    Path dir;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private LogManager leaderLogs;
    private LogManager followerLogs;
    private ReplicaManager leader;
    private ProduceHandler produce;
    private int leaderPort;

    @AfterEach
    void close() throws Exception {
        Collections.reverse(resources);
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    @Test
    void recordsReplicateWithIdenticalOffsetsAndAcksAllWaitsForTheFollower() {
        openLogs();
        startLeader();
        MetadataImage image = image(0);
        leader.onMetadataUpdate(MetadataImage.empty("c"), image);

        CompletableFuture<ApiMessage> first = produce(batch("a", "b", "c"));
        assertThat(first).as("broker 2 has not fetched").isNotDone();
        assertThat(leaderLog().highWatermark()).isZero();

        ReplicaManager follower = startFollower();
        follower.onMetadataUpdate(MetadataImage.empty("c"), image);
        assertThat(answer(first).baseOffset()).isZero();
        assertThat(followerLog().logEndOffset()).as("acknowledged only once broker 2 has the records").isEqualTo(3);

        assertThat(answer(produce(batch("d"))).baseOffset()).isEqualTo(3);
        assertThat(answer(produce(batch("e", "f"))).baseOffset()).isEqualTo(4);
        await().atMost(Duration.ofSeconds(10)).until(() -> followerLog().highWatermark() == 6);
        assertThat(records(followerLog())).isEqualTo(records(leaderLog())).hasSize(6);
    }

    @Test
    void aNewFollowerTruncatesItsDivergentTailBeforeFetching() {
        openLogs();
        PartitionLog leaderLog = leaderLogs.getOrCreate(TP, TOPIC_ID, CONFIG);
        PartitionLog followerLog = followerLogs.getOrCreate(TP, TOPIC_ID, CONFIG);
        for (PartitionLog log : List.of(leaderLog, followerLog)) {
            log.appendAsLeader(batch("a", "b", "c"), 0);
        }
        followerLog.appendAsLeader(batch("lost-1", "lost-2", "lost-3"), 1); // written by a deposed leader
        leaderLog.appendAsLeader(batch("d", "e"), 2);
        startLeader();
        MetadataImage image = image(2);
        leader.onMetadataUpdate(MetadataImage.empty("c"), image);
        ReplicaManager follower = startFollower();
        follower.onMetadataUpdate(MetadataImage.empty("c"), image);

        await().atMost(Duration.ofSeconds(10)).until(() -> followerLog.logEndOffset() == 5
                && leaderLog.highWatermark() == 5);
        assertThat(records(followerLog)).isEqualTo(records(leaderLog))
                .extracting(r -> r.value).containsExactly("a", "b", "c", "d", "e");
        assertThat(followerLog.endOffsetForEpoch(1).leaderEpoch()).as("epoch 1 is gone").isZero();
    }

    @Test
    void aFollowerBelowTheLeadersLogStartRestartsItsLogAtTheBatchHoldingIt() {
        openLogs();
        PartitionLog leaderLog = leaderLogs.getOrCreate(TP, TOPIC_ID, CONFIG);
        leaderLog.appendAsLeader(batch("a", "b", "c"), 0);
        leaderLog.appendAsLeader(batch("d", "e"), 0);
        leaderLog.appendAsLeader(batch("f", "g"), 0);
        leaderLog.updateHighWatermark(7);
        assertThat(leaderLog.deleteRecordsBefore(4)).as("inside the batch at 3").isEqualTo(4);
        startLeader();
        TopicImage topic = new TopicImage("t", TOPIC_ID,
                Map.of(0, new PartitionRegistration(List.of(1, 2), List.of(1), 1, 0, 0)));
        MetadataImage image = new MetadataImage("c", 10, Map.of(1, broker(1, leaderPort), 2, broker(2, 1)),
                Map.of("t", topic), Map.of(TOPIC_ID, topic), Map.of(), 0);
        leader.onMetadataUpdate(MetadataImage.empty("c"), image);
        ReplicaManager follower = startFollower();
        follower.onMetadataUpdate(MetadataImage.empty("c"), image);

        await().atMost(Duration.ofSeconds(10)).until(() -> followerLog().logEndOffset() == 7);
        assertThat(records(followerLog())).extracting(r -> r.offset).containsExactly(3L, 4L, 5L, 6L);
    }

    @Test
    void followerFetchesAreCheckedForLeadershipAndLeaderEpoch() throws Exception {
        openLogs();
        startLeader();
        TopicImage topic = new TopicImage("t", TOPIC_ID, Map.of(
                0, new PartitionRegistration(List.of(1, 2), List.of(1, 2), 1, 5, 5),
                1, new PartitionRegistration(List.of(1, 2), List.of(1, 2), 2, 5, 5)));
        leader.onMetadataUpdate(MetadataImage.empty("c"), new MetadataImage("c", 10,
                Map.of(1, broker(1, leaderPort), 2, broker(2, 1)), Map.of("t", topic), Map.of(TOPIC_ID, topic), Map.of(), 0));
        try (BrokerChannel channel = new BrokerChannel("test",
                () -> Optional.of(new InetSocketAddress("127.0.0.1", leaderPort)), 5_000)) {
            assertThat(followerFetch(channel, 0, 4)).isEqualTo(Errors.FENCED_LEADER_EPOCH);
            assertThat(followerFetch(channel, 0, 6)).isEqualTo(Errors.UNKNOWN_LEADER_EPOCH);
            assertThat(followerFetch(channel, 0, 5)).isEqualTo(Errors.NONE);
            assertThat(followerFetch(channel, 1, 5)).as("broker 2 leads partition 1").isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        }
    }

    private static Errors followerFetch(BrokerChannel channel, int partition, int leaderEpoch) throws IOException {
        FetchRequestData request = new FetchRequestData()
                .setReplicaState(new FetchRequestData.ReplicaState().setReplicaId(2))
                .setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1024).setSessionId(0).setSessionEpoch(-1)
                .setTopics(List.of(new FetchRequestData.FetchTopic().setTopicId(TOPIC_ID).setPartitions(List.of(
                        new FetchRequestData.FetchPartition().setPartition(partition).setCurrentLeaderEpoch(leaderEpoch)
                                .setFetchOffset(0).setPartitionMaxBytes(1024)))));
        FetchResponse response = (FetchResponse) channel.send(new FetchRequest(request, ApiKeys.FETCH.latestVersion(false)));
        return Errors.forCode(response.data().responses().get(0).partitions().get(0).errorCode());
    }

    @Test
    void aCaughtUpFollowerJoinsTheIsrAndOneThatStopsLeavesIt() {
        openLogs();
        ConcurrentLinkedQueue<List<Integer>> isrChanges = new ConcurrentLinkedQueue<>();
        ReplicationSettings fastLag = new ReplicationSettings("PLAINTEXT", 300, 100, 200, 1, 1024 * 1024,
                10 * 1024 * 1024, 5_000);
        startLeader(fastLag, request -> {
            AlterPartitionRequestData.PartitionData p = request.topics().get(0).partitions().get(0);
            List<Integer> isr = p.newIsrWithEpochs().stream().map(AlterPartitionRequestData.BrokerState::brokerId).toList();
            isrChanges.add(isr);
            return CompletableFuture.completedFuture(new AlterPartitionResponseData().setTopics(List.of(
                    new AlterPartitionResponseData.TopicData().setTopicId(TOPIC_ID).setPartitions(List.of(
                            new AlterPartitionResponseData.PartitionData().setPartitionIndex(0).setLeaderId(1)
                                    .setLeaderEpoch(p.leaderEpoch()).setIsr(isr)
                                    .setPartitionEpoch(p.partitionEpoch() + 1))))));
        });
        TopicImage topic = new TopicImage("t", TOPIC_ID,
                Map.of(0, new PartitionRegistration(List.of(1, 2), List.of(1), 1, 0, 0)));
        MetadataImage image = new MetadataImage("c", 10, Map.of(1, broker(1, leaderPort), 2, broker(2, 1)),
                Map.of("t", topic), Map.of(TOPIC_ID, topic), Map.of(), 0);
        leader.onMetadataUpdate(MetadataImage.empty("c"), image);
        assertThat(answer(produce(batch("a", "b"))).baseOffset()).as("the ISR is the leader alone").isZero();

        ReplicaManager follower = startFollower();
        follower.onMetadataUpdate(MetadataImage.empty("c"), image);
        await().atMost(Duration.ofSeconds(10)).until(() -> isrChanges.contains(List.of(1, 2)));
        Partition partition = leader.partition(TP).orElseThrow();
        assertThat(partition.isr()).containsExactly(1, 2);

        follower.fetchers().stopFollowing(TP);
        answer(produce(batch("c"))); // the follower now lags behind the leader's log end
        await().atMost(Duration.ofSeconds(10)).until(() -> isrChanges.contains(List.of(1)));
        assertThat(partition.isr()).containsExactly(1);
        assertThat(leaderLog().highWatermark()).isEqualTo(3);
    }

    @Test
    void aPartitionFollowedFromALeaderAlreadyFetchedFromDoesNotWaitForTheLongPoll() {
        // Long polls and back-off far beyond the test's patience: only cutting the poll short passes.
        ReplicationSettings slow = new ReplicationSettings("PLAINTEXT", 30_000, 60_000, 60_000, 1, 1024 * 1024,
                10 * 1024 * 1024, 120_000);
        openLogs();
        startLeader(slow, request -> new CompletableFuture<>());
        MetadataImage one = image(0);
        leader.onMetadataUpdate(MetadataImage.empty("c"), one);
        ReplicaManager follower = new ReplicaManager(2, followerLogs, Map.of(), slow,
                request -> new CompletableFuture<>(), tp -> { }, Time.SYSTEM);
        resources.add(follower);
        follower.onMetadataUpdate(MetadataImage.empty("c"), one);
        answer(produce(0, batch("a"))); // broker 2 fetched it; its next fetch parks for a minute

        TopicImage topic = new TopicImage("t", TOPIC_ID, Map.of(
                0, new PartitionRegistration(List.of(1, 2), List.of(1, 2), 1, 0, 0),
                1, new PartitionRegistration(List.of(1, 2), List.of(1, 2), 1, 0, 0)));
        MetadataImage two = new MetadataImage("c", 11, one.brokers(), Map.of("t", topic), Map.of(TOPIC_ID, topic),
                one.configs(), 0);
        leader.onMetadataUpdate(one, two);
        follower.onMetadataUpdate(one, two);

        assertThat(answer(produce(1, batch("b"))).baseOffset()).as("acknowledged once broker 2 fetched partition 1")
                .isZero();
    }

    @Test
    void aReplicaReassignedInCatchesUpAndJoinsTheIsrAndOneReassignedAwayDeletesItsLog() {
        openLogs();
        ConcurrentLinkedQueue<List<Integer>> isrChanges = new ConcurrentLinkedQueue<>();
        startLeader(SETTINGS, request -> {
            AlterPartitionRequestData.PartitionData p = request.topics().get(0).partitions().get(0);
            List<Integer> isr = p.newIsrWithEpochs().stream().map(AlterPartitionRequestData.BrokerState::brokerId).toList();
            isrChanges.add(isr);
            return new CompletableFuture<>();
        });
        MetadataImage onLeaderAlone = image(new PartitionRegistration(List.of(1), List.of(1), 1, 0, 0));
        leader.onMetadataUpdate(MetadataImage.empty("c"), onLeaderAlone);
        answer(produce(batch("a", "b")));
        ReplicaManager follower = startFollower();
        follower.onMetadataUpdate(MetadataImage.empty("c"), onLeaderAlone);
        assertThat(followerLogs.get(TP)).isEmpty();

        MetadataImage adding = image(new PartitionRegistration(List.of(1, 2), List.of(1), 1, 0, 1, List.of(2), List.of(),
                List.of(), List.of()));
        leader.onMetadataUpdate(onLeaderAlone, adding);
        follower.onMetadataUpdate(onLeaderAlone, adding);
        await().atMost(Duration.ofSeconds(10)).until(() -> isrChanges.contains(List.of(1, 2)));
        assertThat(followerLog().logEndOffset()).isEqualTo(2);
        assertThat(leaderLog().highWatermark()).as("the high watermark counts only the ISR").isEqualTo(2);

        MetadataImage removed = image(new PartitionRegistration(List.of(1), List.of(1), 1, 0, 3));
        Path followerDir = dir.resolve("follower").resolve("t-0");
        assertThat(followerDir).isDirectory();
        follower.onMetadataUpdate(adding, removed);
        assertThat(follower.partition(TP)).isEmpty();
        assertThat(follower.fetchers().leaderOf(TP)).isEmpty();
        assertThat(followerLogs.get(TP)).isEmpty();
        assertThat(followerDir).doesNotExist();
    }

    @Test
    void aLogLeftByAMoveMissedWhileDownIsDeletedAtStartup() {
        openLogs();
        followerLogs.getOrCreate(TP, TOPIC_ID, CONFIG).appendAsLeader(batch("a"), 0);
        ReplicaManager follower = startFollower();
        follower.onMetadataUpdate(MetadataImage.empty("c"),
                image(new PartitionRegistration(List.of(1, 3), List.of(1, 3), 1, 1, 4)));
        assertThat(followerLogs.get(TP)).isEmpty();
        assertThat(follower.partition(TP)).isEmpty();
    }

    private void openLogs() {
        leaderLogs = logManager("leader");
        followerLogs = logManager("follower");
    }

    private LogManager logManager(String name) {
        LogManager logs = LogManager.start(List.of(dir.resolve(name)), new StorageSettings(CONFIG, 300_000,
                Long.MAX_VALUE, 60_000, 86_400_000, 600_000), Time.SYSTEM);
        resources.add(logs);
        return logs;
    }

    private void startLeader() {
        startLeader(SETTINGS, request -> new CompletableFuture<>());
    }

    private void startLeader(ReplicationSettings settings, AlterPartitionSender alterPartition) {
        Purgatory<TopicPartition> fetches = new Purgatory<>("fetch");
        Purgatory<TopicPartition> produces = new Purgatory<>("produce");
        resources.add(fetches);
        resources.add(produces);
        leader = new ReplicaManager(1, leaderLogs, Map.of(), settings, alterPartition, tp -> {
            fetches.checkAndComplete(tp);
            produces.checkAndComplete(tp);
        }, Time.SYSTEM);
        resources.add(leader);
        produce = new ProduceHandler(1, leader, fetches, produces, null, false); // no transactions here
        List<ApiHandler<?>> handlers = List.of(produce,
                new FetchHandler(leader, new FetchSessionCache(10, 60_000, Time.SYSTEM), fetches, ReadReplicaSelector.NONE),
                new OffsetForLeaderEpochHandler(leader));
        NetworkServer server = NetworkServer.start(List.of(new ListenerSpec("PLAINTEXT", "127.0.0.1", 0)),
                new ApiTable(handlers), new NetworkSettings(16 * 1024 * 1024, 1, 60_000, -1, -1));
        resources.add(server);
        leaderPort = server.boundPort("PLAINTEXT");
    }

    private ReplicaManager startFollower() {
        ReplicaManager follower = new ReplicaManager(2, followerLogs, Map.of(), SETTINGS,
                request -> new CompletableFuture<>(), tp -> { }, Time.SYSTEM);
        resources.add(follower);
        return follower;
    }

    private MetadataImage image(PartitionRegistration registration) {
        TopicImage topic = new TopicImage("t", TOPIC_ID, Map.of(0, registration));
        return new MetadataImage("c", 10, Map.of(1, broker(1, leaderPort), 2, broker(2, 1)), Map.of("t", topic),
                Map.of(TOPIC_ID, topic), Map.of(), 0);
    }

    private MetadataImage image(int leaderEpoch) {
        TopicImage topic = new TopicImage("t", TOPIC_ID,
                Map.of(0, new PartitionRegistration(List.of(1, 2), List.of(1, 2), 1, leaderEpoch, leaderEpoch)));
        return new MetadataImage("c", 10, Map.of(1, broker(1, leaderPort), 2, broker(2, 1)), Map.of("t", topic),
                Map.of(TOPIC_ID, topic),
                Map.of(new ConfigResource(ConfigResource.Type.TOPIC, "t"), Map.of("min.insync.replicas", "2")), 0);
    }

    private static BrokerRegistration broker(int id, int port) {
        return new BrokerRegistration(id, Uuid.randomUuid(),
                List.of(new BrokerRegistration.Endpoint("PLAINTEXT", "127.0.0.1", port, "PLAINTEXT")), null, false);
    }

    private CompletableFuture<ApiMessage> produce(MemoryRecords records) {
        return produce(0, records);
    }

    private CompletableFuture<ApiMessage> produce(int partition, MemoryRecords records) {
        ProduceRequestData request = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName("t");
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(records));
        request.topicData().add(topic);
        RequestContext context = new RequestContext(new RequestHeader(ApiKeys.PRODUCE, (short) 12, "test", 1),
                "PLAINTEXT", new InetSocketAddress("127.0.0.1", 1), "test", 0);
        return produce.handle(context, request);
    }

    private static PartitionProduceResponse answer(CompletableFuture<ApiMessage> produced) {
        ProduceResponseData response = (ProduceResponseData) produced.orTimeout(10, TimeUnit.SECONDS).join();
        PartitionProduceResponse p = response.responses().iterator().next().partitionResponses().get(0);
        assertThat(Errors.forCode(p.errorCode())).isEqualTo(Errors.NONE);
        return p;
    }

    private PartitionLog leaderLog() {
        return leaderLogs.get(TP).orElseThrow();
    }

    private PartitionLog followerLog() {
        return followerLogs.get(TP).orElseThrow();
    }

    private static MemoryRecords batch(String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(1_000L, null, values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    private record Stored(long offset, int leaderEpoch, String value) {
    }

    /** Every record of {@code log} with its offset and its batch's leader epoch. */
    private static List<Stored> records(PartitionLog log) {
        FileSlice slice = (FileSlice) log.read(log.logStartOffset(), Integer.MAX_VALUE, log.logEndOffset(), true).records();
        ByteBuffer buffer = ByteBuffer.allocate(slice.sizeInBytes());
        try {
            while (buffer.hasRemaining() && slice.channel().read(buffer, slice.position() + buffer.position()) >= 0) {
                // read until full
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        buffer.flip();
        List<Stored> out = new ArrayList<>();
        for (RecordBatch batch : MemoryRecords.readableRecords(buffer).batches()) {
            for (Record record : batch) {
                out.add(new Stored(record.offset(), batch.partitionLeaderEpoch(),
                        StandardCharsets.UTF_8.decode(record.value()).toString()));
            }
        }
        return out;
    }
}
