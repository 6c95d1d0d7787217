package io.runnel.coordinator.group;

import io.runnel.coordinator.group.classic.ClassicGroup;
import io.runnel.coordinator.group.classic.ClassicResponses;
import io.runnel.coordinator.runtime.CoordinatorErrors;
import io.runnel.coordinator.runtime.CoordinatorLog;
import io.runnel.coordinator.runtime.CoordinatorResult;
import io.runnel.coordinator.runtime.CoordinatorRuntime;
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
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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

    /**
     * @param numPartitions {@code offsets.topic.num.partitions}
     * @param numThreads    {@code group.coordinator.threads}
     */
    public GroupCoordinator(GroupConfig config, int numPartitions, int numThreads, CoordinatorLog log, Time time) {
        this.numPartitions = numPartitions;
        this.runtime = new CoordinatorRuntime<>("group", numThreads, TIMER_TICK_MS, log,
                (partition, timer) -> new GroupCoordinatorShard(config, time, timer), time);
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
        write(request.groupId(), s -> s.classic().join(request, version, clientId, clientHost, response))
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
        write(request.groupId(), s -> s.classic().sync(request, version, response))
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
        return write(request.groupId(), s -> s.classic().heartbeat(request))
                .exceptionally(e -> new HeartbeatResponseData().setErrorCode(CoordinatorErrors.toError(e).code()));
    }

    public CompletableFuture<LeaveGroupResponseData> leaveGroup(LeaveGroupRequestData request, short version) {
        return write(request.groupId(), s -> s.classic().leave(request, version))
                .exceptionally(e -> new LeaveGroupResponseData().setErrorCode(CoordinatorErrors.toError(e).code()));
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

    public CompletableFuture<OffsetFetchResponseGroup> fetchOffsets(OffsetFetchRequestGroup request) {
        return read(request.groupId(), s -> s.fetchOffsets(request)).exceptionally(e -> new OffsetFetchResponseGroup()
                .setGroupId(request.groupId()).setErrorCode(CoordinatorErrors.toError(e).code()));
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
