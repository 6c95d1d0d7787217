package io.runnel.coordinator.group;

import io.runnel.coordinator.group.classic.ClassicGroup;
import io.runnel.coordinator.group.classic.ClassicResponses;
import io.runnel.coordinator.group.consumer.ConsumerGroupSettings;
import io.runnel.coordinator.group.consumer.HeartbeatContext;
import io.runnel.coordinator.runtime.CoordinatorErrors;
import io.runnel.coordinator.runtime.CoordinatorLog;
import io.runnel.coordinator.runtime.CoordinatorResult;
import io.runnel.coordinator.runtime.CoordinatorRuntime;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.TopicImage;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The group coordinator's entry point for request handlers: routes each group to the shard of
 * its {@code __consumer_offsets} partition and turns coordinator failures into the error codes
 * of each response. Every method returns at once; answers complete on shard threads.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class GroupCoordinator implements AutoCloseable {
    /** How often shard timers are checked: the precision of session and rebalance timeouts. */
    private static final long TIMER_TICK_MS = 20;

    private final int numPartitions;
    private final CoordinatorRuntime<GroupCoordinatorShard> runtime;
    private final AtomicReference<MetadataImage> metadata = new AtomicReference<>(MetadataImage.empty(""));

    /**
     * @param consumerSettings the {@code group.consumer.*} settings of KIP-848 consumer groups
     * @param numPartitions    {@code offsets.topic.num.partitions}
     * @param numThreads       {@code group.coordinator.threads}
     */
    public GroupCoordinator(GroupConfig config, ConsumerGroupSettings consumerSettings, int numPartitions,
                            int numThreads, CoordinatorLog log, Time time) {
        this.numPartitions = numPartitions;
        this.runtime = new CoordinatorRuntime<>("group", numThreads, TIMER_TICK_MS, log,
                (partition, timer) -> new GroupCoordinatorShard(config, consumerSettings, metadata::get, time, timer),
                time);
    }

    /** The {@code __consumer_offsets} partition of a group: {@code abs(groupId.hashCode()) % partitions}. */
    public int partitionFor(String groupId) {
        return Utils.abs(groupId.hashCode()) % numPartitions;
    }

    public void onElection(int partition, int leaderEpoch) {
        runtime.onElection(partition, leaderEpoch);
    }

    public void onResignation(int partition) {
        runtime.onResignation(partition);
    }

    /** A write on the shard of {@code groupId}: the seam the KIP-848 handlers use too. */
    public <T> CompletableFuture<T> write(String groupId, Function<GroupCoordinatorShard, CoordinatorResult<T>> op) {
        return runtime.write(partitionFor(groupId), op);
    }

    /** A read on the shard of {@code groupId}. */
    public <T> CompletableFuture<T> read(String groupId, Function<GroupCoordinatorShard, T> op) {
        return runtime.read(partitionFor(groupId), op);
    }

    public CompletableFuture<JoinGroupResponseData> joinGroup(JoinGroupRequestData request, short version, String clientId,
                                                              String clientHost) {
        CompletableFuture<JoinGroupResponseData> response = new CompletableFuture<>();
        write(request.groupId(), s -> s.joinGroup(request, version, clientId, clientHost, response))
                .whenComplete((completion, e) -> {
                    if (e != null) {
                        response.complete(ClassicResponses.joinError(request.memberId(), CoordinatorErrors.toError(e)));
                    } else {
                        completion.run();
                    }
                });
        return response;
    }

    public CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request, short version) {
        CompletableFuture<SyncGroupResponseData> response = new CompletableFuture<>();
        write(request.groupId(), s -> s.syncGroup(request, version, response))
                .whenComplete((completion, e) -> {
                    if (e != null) {
                        response.complete(ClassicResponses.syncError(CoordinatorErrors.toError(e)));
                    } else {
                        completion.run();
                    }
                });
        return response;
    }

    public CompletableFuture<HeartbeatResponseData> heartbeat(HeartbeatRequestData request) {
        return write(request.groupId(), s -> s.heartbeat(request))
                .exceptionally(e -> new HeartbeatResponseData().setErrorCode(CoordinatorErrors.toError(e).code()));
    }

    public CompletableFuture<LeaveGroupResponseData> leaveGroup(LeaveGroupRequestData request, short version) {
        return write(request.groupId(), s -> s.leaveGroup(request, version))
                .exceptionally(e -> new LeaveGroupResponseData().setErrorCode(CoordinatorErrors.toError(e).code()));
    }

    /**
     * Takes a new metadata image (called on the metadata thread, in log order). When topics were
     * created, deleted or given partitions, every loaded shard bumps the epoch of the consumer
     * groups whose subscribed topics changed; a shard still loading reads the image when it is done.
     */
    public void onMetadataUpdate(MetadataImage previous, MetadataImage current) {
        metadata.set(current);
        if (topicShapes(previous).equals(topicShapes(current))) {
            return;
        }
        for (int p = 0; p < numPartitions; p++) {
            if (runtime.isActive(p)) {
                runtime.write(p, s -> s.consumer().onMetadataUpdate(current));
            }
        }
    }

    private static Map<Uuid, Integer> topicShapes(MetadataImage image) {
        Map<Uuid, Integer> shapes = new HashMap<>();
        for (TopicImage topic : image.topicsById().values()) {
            shapes.put(topic.id(), topic.partitions().size());
        }
        return shapes;
    }

    /** ConsumerGroupHeartbeat (KIP-848); coordinator failures become the response's error code. */
    public CompletableFuture<ConsumerGroupHeartbeatResponseData> consumerGroupHeartbeat(
            ConsumerGroupHeartbeatRequestData request, HeartbeatContext context) {
        return write(request.groupId(), s -> s.consumer().heartbeat(request, context))
                .exceptionally(e -> new ConsumerGroupHeartbeatResponseData()
                        .setErrorCode(CoordinatorErrors.toError(e).code()));
    }

    /** ConsumerGroupDescribe: one read per shard; the groups come back in request order. */
    public CompletableFuture<List<ConsumerGroupDescribeResponseData.DescribedGroup>> consumerGroupDescribe(
            List<String> groupIds) {
        Map<Integer, List<String>> byPartition = new LinkedHashMap<>();
        groupIds.forEach(g -> byPartition.computeIfAbsent(partitionFor(g), p -> new ArrayList<>()).add(g));
        List<CompletableFuture<List<ConsumerGroupDescribeResponseData.DescribedGroup>>> futures = new ArrayList<>();
        byPartition.forEach((partition, ids) -> futures.add(runtime.read(partition, s -> s.consumer().describe(ids))
                .exceptionally(e -> {
                    Errors error = CoordinatorErrors.toError(e);
                    List<ConsumerGroupDescribeResponseData.DescribedGroup> failed = new ArrayList<>();
                    ids.forEach(id -> failed.add(new ConsumerGroupDescribeResponseData.DescribedGroup()
                            .setGroupId(id).setErrorCode(error.code())));
                    return failed;
                })));
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply(v -> {
            Map<String, ConsumerGroupDescribeResponseData.DescribedGroup> byId = new LinkedHashMap<>();
            futures.forEach(f -> f.join().forEach(g -> byId.put(g.groupId(), g)));
            List<ConsumerGroupDescribeResponseData.DescribedGroup> ordered = new ArrayList<>();
            groupIds.forEach(id -> ordered.add(byId.get(id)));
            return ordered;
        });
    }

    /** OffsetCommit of partitions that exist; on a coordinator failure every partition carries the error. */
    public CompletableFuture<OffsetCommitResponseData> commitOffsets(OffsetCommitRequestData request) {
        return write(request.groupId(), s -> s.commitOffsets(request)).exceptionally(e -> {
            Errors error = CoordinatorErrors.toError(e);
            OffsetCommitResponseData response = new OffsetCommitResponseData();
            request.topics().forEach(t -> {
                OffsetCommitResponseTopic topic = new OffsetCommitResponseTopic().setName(t.name()).setTopicId(t.topicId());
                t.partitions().forEach(p -> topic.partitions().add(new OffsetCommitResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code())));
                response.topics().add(topic);
            });
            return response;
        });
    }

    /**
     * OffsetFetch of one group. {@code requireStable} is the request's {@code require_stable}
     * (v7+): partitions with an offset pending in an open transaction answer UNSTABLE_OFFSET_COMMIT,
     * and, as Kafka does, the answer waits until the shard's earlier writes are committed (a write
     * without records), so it never shows an offset that could still be lost. Without it, the last
     * committed offset is returned at once.
     */
    public CompletableFuture<OffsetFetchResponseGroup> fetchOffsets(OffsetFetchRequestGroup request,
                                                                    boolean requireStable) {
        CompletableFuture<OffsetFetchResponseGroup> fetched = requireStable
                ? write(request.groupId(), s -> CoordinatorResult.of(s.fetchOffsets(request, true)))
                : read(request.groupId(), s -> s.fetchOffsets(request, false));
        return fetched.exceptionally(e -> new OffsetFetchResponseGroup().setGroupId(request.groupId())
                .setErrorCode(CoordinatorErrors.toError(e).code()));
    }

    /**
     * TxnOffsetCommit of partitions that exist (the handler answers unknown ones with
     * UNKNOWN_TOPIC_OR_PARTITION): the offsets are written in the producer's transaction and stay
     * pending until {@link #completeTransaction}. On a coordinator failure (NOT_COORDINATOR,
     * COORDINATOR_LOAD_IN_PROGRESS, INVALID_PRODUCER_EPOCH from the log, ...) every partition
     * carries the error. No KIP-890 verification of the offsets partition happens here.
     */
    public CompletableFuture<TxnOffsetCommitResponseData> txnOffsetCommit(TxnOffsetCommitRequestData request) {
        return runtime.transactionalWrite(partitionFor(request.groupId()), request.producerId(), request.producerEpoch(),
                s -> s.txnOffsetCommit(request)).exceptionally(e -> {
                    Errors error = CoordinatorErrors.toError(e);
                    TxnOffsetCommitResponseData response = new TxnOffsetCommitResponseData();
                    request.topics().forEach(t -> {
                        TxnOffsetCommitResponseTopic topic = new TxnOffsetCommitResponseTopic().setName(t.name());
                        t.partitions().forEach(p -> topic.partitions().add(new TxnOffsetCommitResponsePartition()
                                .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code())));
                        response.topics().add(topic);
                    });
                    return response;
                });
    }

    /**
     * WriteTxnMarkers for a {@code __consumer_offsets} partition: appends the marker through the
     * shard, which then makes the producer's pending offsets visible (commit) or drops them (abort).
     * Completes when the marker is committed; fails with the runtime's exception (NOT_COORDINATOR,
     * COORDINATOR_LOAD_IN_PROGRESS: Kafka's handler answers those NOT_LEADER_OR_FOLLOWER) or the
     * log's (INVALID_PRODUCER_EPOCH, TRANSACTION_COORDINATOR_FENCED).
     */
    public CompletableFuture<Void> completeTransaction(int offsetsPartition, long producerId, short producerEpoch,
                                                      boolean commit, int coordinatorEpoch) {
        return runtime.completeTransaction(offsetsPartition, producerId, producerEpoch, commit, coordinatorEpoch);
    }

    public CompletableFuture<OffsetDeleteResponseData> deleteOffsets(OffsetDeleteRequestData request) {
        return write(request.groupId(), s -> s.deleteOffsets(request))
                .exceptionally(e -> new OffsetDeleteResponseData().setErrorCode(CoordinatorErrors.toError(e).code()));
    }

    /** DescribeGroups of one group; a group of the other protocol is GROUP_ID_NOT_FOUND, as Kafka answers. */
    public CompletableFuture<DescribedGroup> describeGroup(String groupId) {
        return read(groupId, s -> {
            ClassicGroup group = s.classicGroup(groupId);
            if (group != null) {
                return group.describe();
            }
            DescribedGroup described = new DescribedGroup().setGroupId(groupId).setGroupState("Dead")
                    .setProtocolType("").setProtocolData("");
            if (s.registry().get(groupId) != null) {
                described.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                        .setErrorMessage("Group " + groupId + " is not a classic group.");
            }
            return described;
        }).exceptionally(e -> new DescribedGroup().setGroupId(groupId).setGroupState("")
                .setProtocolType("").setProtocolData("").setErrorCode(CoordinatorErrors.toError(e).code()));
    }

    /** DeleteGroups: one write per shard. */
    public CompletableFuture<List<DeletableGroupResult>> deleteGroups(List<String> groupIds) {
        Map<Integer, List<String>> byPartition = new LinkedHashMap<>();
        groupIds.forEach(g -> byPartition.computeIfAbsent(partitionFor(g), p -> new ArrayList<>()).add(g));
        List<CompletableFuture<List<DeletableGroupResult>>> futures = new ArrayList<>();
        byPartition.forEach((partition, ids) -> futures.add(runtime.write(partition, s -> s.deleteGroups(ids))
                .exceptionally(e -> {
                    Errors error = CoordinatorErrors.toError(e);
                    List<DeletableGroupResult> failed = new ArrayList<>();
                    ids.forEach(id -> failed.add(new DeletableGroupResult().setGroupId(id).setErrorCode(error.code())));
                    return failed;
                })));
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<DeletableGroupResult> all = new ArrayList<>();
            futures.forEach(f -> all.addAll(f.join()));
            return all;
        });
    }

    /**
     * ListGroups over every shard led here. A shard still loading makes the answer
     * COORDINATOR_LOAD_IN_PROGRESS, as Kafka answers.
     */
    public CompletableFuture<ListedGroups> listGroups(Set<String> statesFilter, Set<String> typesFilter) {
        List<CompletableFuture<List<ListedGroup>>> futures = new ArrayList<>();
        Errors[] error = {Errors.NONE};
        for (int p = 0; p < numPartitions; p++) {
            futures.add(runtime.read(p, s -> s.listGroups(statesFilter, typesFilter)).exceptionally(e -> {
                Errors mapped = CoordinatorErrors.toError(e);
                if (mapped != Errors.NOT_COORDINATOR) {
                    synchronized (error) {
                        error[0] = mapped;
                    }
                }
                return List.of();
            }));
        }
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<ListedGroup> all = new ArrayList<>();
            futures.forEach(f -> all.addAll(f.join()));
            synchronized (error) {
                return new ListedGroups(error[0], all);
            }
        });
    }

    /** ListGroups' answer: a top-level error (NONE, or a shard still loading) and the groups. */
    public record ListedGroups(Errors error, List<ListedGroup> groups) {
    }

    @Override
    public void close() {
        runtime.close();
    }
}
