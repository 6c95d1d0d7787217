package io.runnel.broker.replica.fetcher;

import io.runnel.broker.network.BrokerChannel;
import io.runnel.broker.replica.Partition;
import io.runnel.broker.replica.ReplicationQuota;
import io.runnel.broker.replica.ReplicationSettings;
import io.runnel.storage.EpochEndOffset;
import io.runnel.storage.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One thread that replicates every partition this broker follows from one leader broker
 * (Kafka's {@code num.replica.fetchers=1}): a partition first truncates a divergent tail with
 * OffsetForLeaderEpoch rounds, then all of them are fetched in one Fetch request at a time, with
 * the follower's replica id and the current leader epoch so a stale leader is detected.
 * A partition under the follower replication throttle ({@link ReplicationQuota}) while this
 * replica is out of the ISR is left out of the fetches until the quota allows it again.
 *
 * <p>Errors: a failed connection backs every partition off {@code replica.fetch.backoff.ms}; a
 * partition error backs that partition off (FENCED_LEADER_EPOCH waits until the metadata names a
 * new epoch, which replaces the partition's state). OFFSET_OUT_OF_RANGE restarts the log at the
 * leader's log start offset when we are below it, else truncates again.
 *
 * <p>Thread-safety: {@link #follow} and {@link #stopFollowing} are called from the metadata
 * replay thread; they take the lock the fetcher thread holds while it applies an answer (appends
 * and truncations), never while it waits on the network. After {@code stopFollowing} returns the
 * fetcher no longer touches that partition's log.
 */
final class ReplicaFetcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaFetcher.class);
    private static final short FETCH_VERSION = ApiKeys.FETCH.latestVersion(false);
    private static final short OFFSET_FOR_LEADER_EPOCH_VERSION = ApiKeys.OFFSET_FOR_LEADER_EPOCH.latestVersion(false);

    private final int localBrokerId;
    private final int leaderId;
    private final ReplicationSettings settings;
    private final ReplicationQuota quota;
    private final Time time;
    private final BrokerChannel channel;
    private final Object lock = new Object();
    private final Map<TopicPartition, FollowedPartition> partitions = new LinkedHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    /** A fetch (long poll) is on the wire; written by the fetcher thread under {@link #lock}. */
    private boolean fetchInFlight;
    /** {@link #follow} closed the connection to cut a long poll short: the failure it causes is no error. */
    private volatile boolean cutShort;

    ReplicaFetcher(int localBrokerId, int leaderId, ReplicationSettings settings,
                   Supplier<Optional<InetSocketAddress>> leaderEndpoint, ReplicationQuota quota, Time time) {
        this.localBrokerId = localBrokerId;
        this.leaderId = leaderId;
        this.settings = settings;
        this.quota = quota;
        this.time = time;
        this.channel = new BrokerChannel("replica-fetcher-" + localBrokerId, leaderEndpoint, settings.socketTimeoutMs());
        this.thread = new Thread(this::run, "replica-fetcher-" + leaderId);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Follows {@code partition} in {@code leaderEpoch}, truncating first; replaces any earlier state.
     * A long poll in flight (up to {@code replica.fetch.wait.max.ms}) is cut short by closing the
     * connection, so a partition that just changed leader is fetched at once: the new leader's
     * high watermark, and so every acks=all producer, waits for it.
     */
    void follow(Partition partition, int leaderEpoch) {
        synchronized (lock) {
            partitions.put(partition.topicPartition(), new FollowedPartition(partition, leaderEpoch));
            lock.notifyAll();
            cutShort = true; // a fetch built before this one is not sent, or cut short in flight
            if (fetchInFlight) {
                channel.close();
            }
        }
    }

    void stopFollowing(TopicPartition tp) {
        synchronized (lock) {
            partitions.remove(tp);
        }
    }

    private void run() {
        while (running) {
            try {
                if (awaitReadyPartitions()) {
                    truncate();
                    fetch();
                }
            } catch (IOException | RuntimeException e) {
                if (cutShort) {
                    cutShort = false;
                } else if (running) {
                    log.warn("Replication from broker {} failed: {}; retrying in {} ms", leaderId, e.toString(),
                            settings.fetchBackoffMs());
                    backOffAll();
                }
            }
        }
        channel.close();
    }

    /** Waits until a partition may be requested; false when woken for another reason. */
    private boolean awaitReadyPartitions() throws IOException {
        synchronized (lock) {
            long now = time.milliseconds();
            long nextReadyMs = Long.MAX_VALUE;
            for (FollowedPartition p : partitions.values()) {
                if (p.ready(now)) {
                    return true;
                }
                nextReadyMs = Math.min(nextReadyMs, p.delayedUntilMs);
            }
            if (partitions.isEmpty()) {
                channel.close(); // idle: no connection held to a broker we do not follow
            }
            try {
                lock.wait(nextReadyMs == Long.MAX_VALUE ? 0 : Math.max(1, nextReadyMs - now));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
            return false;
        }
    }

    private void truncate() throws IOException {
        Map<TopicPartition, FollowedPartition> asked = new HashMap<>();
        OffsetForLeaderEpochRequestData request = new OffsetForLeaderEpochRequestData().setReplicaId(localBrokerId);
        synchronized (lock) {
            long now = time.milliseconds();
            for (FollowedPartition p : partitions.values()) {
                if (!p.truncating || !p.ready(now)) {
                    continue;
                }
                PartitionLog partitionLog = p.partition.log();
                int latestEpoch = partitionLog.latestEpoch();
                if (latestEpoch < 0) {
                    truncateTo(p, partitionLog.highWatermark()); // no epochs to compare: keep what was committed
                    p.truncating = false;
                    continue;
                }
                TopicPartition tp = p.partition.topicPartition();
                OffsetForLeaderTopic topic = request.topics().find(tp.topic());
                if (topic == null) {
                    topic = new OffsetForLeaderTopic().setTopic(tp.topic());
                    request.topics().add(topic);
                }
                topic.partitions().add(new OffsetForLeaderPartition().setPartition(tp.partition())
                        .setCurrentLeaderEpoch(p.leaderEpoch).setLeaderEpoch(latestEpoch));
                asked.put(tp, p);
            }
        }
        if (asked.isEmpty()) {
            return;
        }
        var response = (OffsetsForLeaderEpochResponse) channel.send(
                new OffsetsForLeaderEpochRequest(request, OFFSET_FOR_LEADER_EPOCH_VERSION));
        synchronized (lock) {
            for (var topic : response.data().topics()) {
                for (OffsetForLeaderEpochResponseData.EpochEndOffset answer : topic.partitions()) {
                    TopicPartition tp = new TopicPartition(topic.topic(), answer.partition());
                    FollowedPartition p = partitions.get(tp);
                    if (p == null || p != asked.get(tp)) {
                        continue; // stopped or replaced meanwhile
                    }
                    Errors error = Errors.forCode(answer.errorCode());
                    if (error != Errors.NONE) {
                        backOff(p, error);
                        continue;
                    }
                    TruncationStep step = TruncationStep.of(
                            new EpochEndOffset(answer.leaderEpoch(), answer.endOffset()), p.partition.log());
                    truncateTo(p, step.offset());
                    p.truncating = !step.complete();
                }
            }
        }
    }

    private void fetch() throws IOException {
        Map<PartitionKey, FollowedPartition> asked = new HashMap<>();
        Map<Uuid, FetchRequestData.FetchTopic> topics = new LinkedHashMap<>();
        synchronized (lock) {
            cutShort = false; // this request asks for every partition followed so far
            long now = time.milliseconds();
            for (FollowedPartition p : partitions.values()) {
                if (p.truncating || !p.ready(now)) {
                    continue;
                }
                Partition partition = p.partition;
                if (isThrottled(partition) && quota.isExceeded()) {
                    // Re-checked at least every backoff: a throttle removed meanwhile takes effect then.
                    p.delayedUntilMs = now + Math.min(quota.throttleTimeMs(), settings.fetchBackoffMs());
                    continue;
                }
                topics.computeIfAbsent(partition.topicId(), id -> new FetchRequestData.FetchTopic()
                                .setTopicId(id).setTopic(partition.topicPartition().topic()).setPartitions(new ArrayList<>()))
                        .partitions().add(new FetchRequestData.FetchPartition()
                                .setPartition(partition.topicPartition().partition())
                                .setCurrentLeaderEpoch(p.leaderEpoch)
                                .setFetchOffset(partition.log().logEndOffset())
                                .setLastFetchedEpoch(-1)
                                .setLogStartOffset(partition.log().logStartOffset())
                                .setPartitionMaxBytes(settings.fetchMaxBytes()));
                asked.put(new PartitionKey(partition.topicId(), partition.topicPartition().partition()), p);
            }
        }
        if (asked.isEmpty()) {
            return;
        }
        FetchRequestData request = new FetchRequestData()
                .setReplicaId(-1)
                .setReplicaState(new FetchRequestData.ReplicaState().setReplicaId(localBrokerId).setReplicaEpoch(-1))
                .setMaxWaitMs(settings.fetchWaitMaxMs())
                .setMinBytes(settings.fetchMinBytes())
                .setMaxBytes(settings.fetchResponseMaxBytes())
                .setSessionId(0)
                .setSessionEpoch(-1)
                .setTopics(new ArrayList<>(topics.values()));
        FetchResponse response;
        synchronized (lock) {
            fetchInFlight = true;
        }
        try {
            response = (FetchResponse) channel.send(new FetchRequest(request, FETCH_VERSION), () -> cutShort);
        } finally {
            synchronized (lock) {
                fetchInFlight = false;
            }
        }
        synchronized (lock) {
            if (response.error() != Errors.NONE) {
                asked.values().forEach(p -> backOff(p, response.error()));
                return;
            }
            for (FetchResponseData.FetchableTopicResponse topic : response.data().responses()) {
                for (FetchResponseData.PartitionData data : topic.partitions()) {
                    FollowedPartition p = asked.get(new PartitionKey(topic.topicId(), data.partitionIndex()));
                    if (p != null && partitions.get(p.partition.topicPartition()) == p) {
                        apply(p, data);
                    }
                }
            }
        }
    }

    private void apply(FollowedPartition p, FetchResponseData.PartitionData data) {
        Errors error = Errors.forCode(data.errorCode());
        PartitionLog partitionLog = p.partition.log();
        try {
            if (error == Errors.NONE) {
                MemoryRecords records = data.records() instanceof MemoryRecords m ? m : MemoryRecords.EMPTY;
                if (isThrottled(p.partition)) {
                    quota.record(records.sizeInBytes());
                }
                p.partition.appendAsFollower(records, data.highWatermark());
            } else if (error == Errors.OFFSET_OUT_OF_RANGE && data.logStartOffset() > partitionLog.logEndOffset()) {
                log.info("{} is below the leader's log start offset {}: restarting the log there",
                        p.partition.topicPartition(), data.logStartOffset());
                partitionLog.truncateFullyAndStartAt(data.logStartOffset());
            } else if (error == Errors.OFFSET_OUT_OF_RANGE) {
                p.truncating = true;
            } else {
                backOff(p, error);
            }
        } catch (RuntimeException e) {
            log.error("Appending to {} from leader {} failed", p.partition.topicPartition(), leaderId, e);
            p.delayedUntilMs = time.milliseconds() + settings.fetchBackoffMs();
        }
    }

    /** Whether fetching {@code partition} counts against the follower throttle: named by it, and this replica out of the ISR. */
    private boolean isThrottled(Partition partition) {
        return quota.isThrottled(partition.topicPartition())
                && !partition.registration().isr().contains(localBrokerId);
    }

    private void truncateTo(FollowedPartition p, long offset) {
        PartitionLog partitionLog = p.partition.log();
        if (offset < partitionLog.logEndOffset()) {
            log.info("Truncating {} from {} to {} (leader {}, epoch {})", p.partition.topicPartition(),
                    partitionLog.logEndOffset(), offset, leaderId, p.leaderEpoch);
            partitionLog.truncateTo(offset);
        }
    }

    private void backOff(FollowedPartition p, Errors error) {
        log.debug("Fetching {} from broker {} answered {}; backing off", p.partition.topicPartition(), leaderId, error);
        p.delayedUntilMs = time.milliseconds() + settings.fetchBackoffMs();
    }

    private void backOffAll() {
        synchronized (lock) {
            long until = time.milliseconds() + settings.fetchBackoffMs();
            partitions.values().forEach(p -> p.delayedUntilMs = until);
        }
    }

    @Override
    public void close() {
        running = false;
        synchronized (lock) {
            lock.notifyAll();
        }
        channel.close();
        try {
            thread.join(settings.socketTimeoutMs());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record PartitionKey(Uuid topicId, int partition) {
    }
}
