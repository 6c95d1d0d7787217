package io.runnel.broker.replica;

import io.runnel.metadata.PartitionRegistration;
import io.runnel.storage.AppendInfo;
import io.runnel.storage.LogReadInfo;
import io.runnel.storage.PartitionLog;
import io.runnel.storage.VerificationGuard;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * This broker's replica of one partition: its log, the partition's registration in the metadata
 * image (replicas, ISR, leader, leader epoch) and, while this broker leads it, the followers'
 * fetch state and the ISR it works with.
 *
 * <p>High watermark (leader): the minimum log end offset over the maximal ISR (see
 * {@link IsrState}), the leader's own included; it never moves backward and never passes the
 * leader's log end offset. It does not move while the committed ISR has fewer than the effective
 * {@code min.insync.replicas} members (capped at the replication factor; KIP-966's rule, as
 * Kafka 4.4's Partition applies it): so every replica that leaves an ISR already below min ISR
 * holds every committed record, and the controller may elect it from the eligible leader replicas. A follower's log end offset is the offset of its last fetch, unknown
 * (-1) until it fetches from this leader, so a new leader's high watermark waits for its ISR.
 * Invariant: {@code logStartOffset <= highWatermark <= logEndOffset}.
 *
 * <p>ISR (leader): a follower not caught up for {@code replica.lag.time.max.ms} is removed by
 * {@link #maybeShrinkIsr}; one whose log end offset reached the high watermark and the start of
 * the current leader epoch is added when it fetches. Each change is one AlterPartition to the
 * controller, one in flight at a time; its answer or the next registration commits it. After a
 * failed one, no change is sent for {@link #ALTER_PARTITION_RETRY_BACKOFF_MS}.
 *
 * <p>Thread-safety: the registration, the ISR state and the follower states change under one
 * lock (network threads serving follower fetches, the metadata replay thread, the ISR check,
 * controller answers). Appends and reads rely on the log's own serialization. Listeners are
 * called outside the lock.
 */
public final class Partition {
    private static final Logger logger = LoggerFactory.getLogger(Partition.class);
    /** After a failed AlterPartition, no new ISR change for this long (ms), so a failing controller is not flooded. */
    static final long ALTER_PARTITION_RETRY_BACKOFF_MS = 1_000;

    /** What a registration change means for this broker's replica. */
    public enum Transition { NONE, BECAME_LEADER, BECAME_FOLLOWER }

    private final int localBrokerId;
    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final PartitionLog log;
    private final ReplicationContext context;
    private final Object lock = new Object();
    private final Map<Integer, FollowerState> followers = new HashMap<>();
    private volatile PartitionRegistration registration;
    private volatile IsrState isrState;
    private long leaderEpochStartOffset;
    private long isrChangeAllowedAtMs;

    Partition(int localBrokerId, TopicPartition topicPartition, Uuid topicId, PartitionLog log,
              PartitionRegistration registration, ReplicationContext context) {
        this.localBrokerId = localBrokerId;
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.log = log;
        this.context = context;
        synchronized (lock) {
            this.registration = registration;
            this.isrState = IsrState.committed(registration.isr(), registration.partitionEpoch());
            if (registration.leader() == localBrokerId) {
                becomeLeaderLocked();
            }
            // After an unclean stop the checkpointed high watermark lags the recovered log; a leader
            // alone in its ISR (min ISR 1) has every record it holds, so the high watermark is its log end.
            maybeIncrementHighWatermarkLocked();
        }
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Uuid topicId() {
        return topicId;
    }

    public PartitionLog log() {
        return log;
    }

    public PartitionRegistration registration() {
        return registration;
    }

    /** The committed ISR this leader works with (it may be ahead of the registration's). */
    public List<Integer> isr() {
        return isrState.isr();
    }

    /**
     * Applies a new registration from the metadata image. Becoming leader (or a new leader epoch)
     * resets the followers' state; a newer partition epoch replaces the ISR state, dropping an
     * AlterPartition still in flight (its answer is then ignored).
     */
    Transition updateRegistration(PartitionRegistration next) {
        Transition transition;
        synchronized (lock) {
            PartitionRegistration previous = registration;
            registration = next;
            boolean newEpoch = next.leader() != previous.leader() || next.leaderEpoch() != previous.leaderEpoch();
            if (newEpoch || next.partitionEpoch() > isrState.partitionEpoch()) {
                isrState = IsrState.committed(next.isr(), next.partitionEpoch());
            }
            if (next.leader() == localBrokerId) {
                if (newEpoch) {
                    becomeLeaderLocked();
                    transition = Transition.BECAME_LEADER;
                } else {
                    trackReplicasLocked();
                    transition = Transition.NONE;
                }
            } else {
                followers.clear();
                transition = newEpoch ? Transition.BECAME_FOLLOWER : Transition.NONE;
            }
            maybeIncrementHighWatermarkLocked();
        }
        // Parked produces and fetches re-check: leadership or the high watermark may have changed.
        context.listener().onPartitionChange(topicPartition);
        return transition;
    }

    public boolean isLeader() {
        return registration.leader() == localBrokerId;
    }

    public int leaderEpoch() {
        return registration.leaderEpoch();
    }

    /**
     * Checks a client's idea of the leader epoch: -1 skips the check, an older epoch is fenced,
     * a newer one means our metadata lags.
     */
    public Errors checkLeaderEpoch(int requestEpoch) {
        if (requestEpoch < 0 || requestEpoch == registration.leaderEpoch()) {
            return Errors.NONE;
        }
        return requestEpoch < registration.leaderEpoch() ? Errors.FENCED_LEADER_EPOCH : Errors.UNKNOWN_LEADER_EPOCH;
    }

    /**
     * Appends as leader. With {@code requiredAcks == -1} the ISR must have at least
     * {@code min.insync.replicas} members, checked before writing anything. While a shrink is in
     * flight the smaller, proposed ISR counts (Kafka counts the committed one): the leader already
     * knows those replicas are gone, and when the controller cannot be reached (a lost quorum) the
     * shrink never commits, so the producer would otherwise wait for acknowledgements that cannot
     * come instead of hearing NOT_ENOUGH_REPLICAS. Refusing a write loses nothing.
     */
    public AppendInfo appendAsLeader(MemoryRecords records, short requiredAcks) {
        return appendAsLeader(records, requiredAcks, null);
    }

    /**
     * As {@link #appendAsLeader(MemoryRecords, short)}, with KIP-890 verification: a transactional
     * batch that begins a transaction must carry the producer's current {@code guard} (null: not
     * verified, see {@link PartitionLog#appendAsLeader(MemoryRecords, int, VerificationGuard)}).
     */
    public AppendInfo appendAsLeader(MemoryRecords records, short requiredAcks, VerificationGuard guard) {
        return appendAsLeader(requiredAcks, epoch -> log.appendAsLeader(records, epoch, guard));
    }

    /**
     * Appends a transaction marker (WriteTxnMarkers) as leader, with the acks=all rule Kafka uses
     * for markers: the ISR must have at least {@code min.insync.replicas} members. See
     * {@link PartitionLog#appendMarker} for the epoch checks.
     */
    public AppendInfo appendMarker(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch) {
        return appendAsLeader((short) -1,
                epoch -> log.appendMarker(producerId, producerEpoch, commit, coordinatorEpoch, epoch));
    }

    private AppendInfo appendAsLeader(short requiredAcks, IntFunction<AppendInfo> write) {
        PartitionRegistration current = registration;
        if (current.leader() != localBrokerId) {
            throw new NotLeaderOrFollowerException("broker " + localBrokerId + " does not lead " + topicPartition);
        }
        int minIsr = log.config().minInSyncReplicas();
        IsrState state = isrState;
        int isrSize = state.isPending() ? Math.min(state.isr().size(), state.proposedIsr().size()) : state.isr().size();
        if (requiredAcks == -1 && isrSize < minIsr) {
            throw new NotEnoughReplicasException("the ISR of " + topicPartition + " has " + isrSize
                    + " members, below min.insync.replicas=" + minIsr);
        }
        AppendInfo info;
        try {
            info = write.apply(current.leaderEpoch());
        } catch (KafkaStorageException e) {
            context.failedReplicas().add(topicId, topicPartition.partition());
            throw e;
        }
        boolean moved;
        synchronized (lock) {
            moved = maybeIncrementHighWatermarkLocked();
        }
        if (moved) {
            context.listener().onPartitionChange(topicPartition);
        }
        return info;
    }

    /**
     * The state of an acks=all append whose last offset is {@code requiredOffset - 1}, appended in
     * {@code appendEpoch}: null while the high watermark is below {@code requiredOffset}; then NONE,
     * or NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below {@code min.insync.replicas}
     * meanwhile; NOT_LEADER_OR_FOLLOWER once this broker lost leadership of that epoch.
     */
    public Errors acksAllResult(long requiredOffset, int appendEpoch) {
        PartitionRegistration current = registration;
        if (current.leader() != localBrokerId || current.leaderEpoch() != appendEpoch) {
            return Errors.NOT_LEADER_OR_FOLLOWER;
        }
        if (log.highWatermark() < requiredOffset) {
            return null;
        }
        IsrState state = isrState;
        int maximalIsrSize = state.isPending() ? state.maximalIsr().size() : state.isr().size();
        return log.config().minInSyncReplicas() <= maximalIsrSize ? Errors.NONE : Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND;
    }

    /**
     * Reads up to this replica's high watermark (the only data consumers may see): as leader, or
     * as a follower serving a consumer (KIP-392), whose high watermark trails the leader's.
     */
    public LogReadInfo readUpToHighWatermark(long fetchOffset, int maxBytes, boolean minOneBatch) {
        return log.read(fetchOffset, maxBytes, log.highWatermark(), minOneBatch);
    }

    /**
     * Reads up to {@code lastStableOffset}, this replica's last stable offset as the caller read it
     * once ({@code read_committed} consumers): no record of a transaction still undecided here is
     * returned, and the aborted transactions the caller lists cover exactly what was read.
     */
    public LogReadInfo readUpToLastStableOffset(long fetchOffset, int maxBytes, long lastStableOffset,
                                                boolean minOneBatch) {
        return log.read(fetchOffset, maxBytes, lastStableOffset, minOneBatch);
    }

    /**
     * Records a follower's fetch as leader: {@code fetchOffset} becomes the follower's log end
     * offset, then the ISR expands and the high watermark moves if that allows. Called when the
     * fetch arrives, before it reads or parks, so the high watermark does not wait for a parked
     * fetch. A fetch offset beyond the log end offset is not recorded (the read answers
     * OFFSET_OUT_OF_RANGE).
     *
     * @throws NotLeaderOrFollowerException this broker does not lead, or {@code replicaId} is not
     *     a replica of the partition
     */
    public void updateFollowerFetchState(int replicaId, long fetchOffset) {
        if (!isLeader()) {
            throw new NotLeaderOrFollowerException("broker " + localBrokerId + " does not lead " + topicPartition);
        }
        boolean moved;
        AlterPartitionRequestData expand;
        IsrState proposed;
        synchronized (lock) {
            FollowerState follower = followers.get(replicaId);
            if (follower == null) {
                throw new NotLeaderOrFollowerException("broker " + replicaId + " is not a follower of " + topicPartition);
            }
            long logEndOffset = log.logEndOffset();
            if (fetchOffset > logEndOffset) {
                return;
            }
            follower.onFetch(fetchOffset, logEndOffset, context.time().milliseconds());
            expand = maybeExpandIsrLocked(replicaId, follower);
            proposed = isrState;
            moved = maybeIncrementHighWatermarkLocked();
        }
        if (expand != null) {
            send(expand, proposed);
        }
        if (moved) {
            context.listener().onPartitionChange(topicPartition);
        }
    }

    /**
     * Reads as leader for a follower, up to the log end offset.
     *
     * @throws org.apache.kafka.common.errors.OffsetOutOfRangeException as {@link PartitionLog#read}
     */
    public LogReadInfo readAsLeaderForFollower(long fetchOffset, int maxBytes, boolean minOneBatch) {
        return log.read(fetchOffset, maxBytes, log.logEndOffset(), minOneBatch);
    }

    /** Removes from the ISR the followers not caught up for {@code replica.lag.time.max.ms}. */
    public void maybeShrinkIsr() {
        AlterPartitionRequestData request;
        IsrState proposed;
        synchronized (lock) {
            IsrState state = isrState;
            long now = context.time().milliseconds();
            if (!isLeader() || state.isPending() || now < isrChangeAllowedAtMs) {
                return;
            }
            long logEndOffset = log.logEndOffset();
            List<Integer> newIsr = new ArrayList<>(state.isr().size());
            for (int id : state.isr()) {
                FollowerState follower = followers.get(id);
                if (id == localBrokerId
                        || follower != null && follower.isCaughtUp(logEndOffset, now, context.replicaLagTimeMaxMs())) {
                    newIsr.add(id);
                }
            }
            if (newIsr.size() == state.isr().size()) {
                return;
            }
            logger.info("Shrinking the ISR of {} from {} to {}", topicPartition, state.isr(), newIsr);
            request = proposeLocked(newIsr);
            proposed = isrState;
        }
        send(request, proposed);
    }

    /**
     * Appends batches fetched from the leader (offsets, epochs and timestamps as the leader set
     * them); the high watermark becomes the smaller of the leader's and this log's end offset.
     * An empty log whose first fetched batch starts below its end offset (the leader's log start
     * offset falls inside that batch) restarts at the batch's base offset, as Kafka's does.
     * Called by the one fetcher thread that follows this partition.
     */
    public void appendAsFollower(MemoryRecords records, long leaderHighWatermark) {
        if (records.sizeInBytes() > 0) {
            long firstOffset = records.batchIterator().next().baseOffset();
            if (firstOffset < log.logEndOffset() && log.logStartOffset() == log.logEndOffset()) {
                log.truncateFullyAndStartAt(firstOffset);
            }
            try {
                log.appendAsFollower(records);
            } catch (KafkaStorageException e) {
                context.failedReplicas().add(topicId, topicPartition.partition());
                throw e;
            }
        }
        updateFollowerHighWatermark(leaderHighWatermark);
    }

    /**
     * As a follower: the high watermark follows the leader's, within this log. When it moves, the
     * listener is told, so consumer fetches parked on this follower (KIP-392) complete.
     */
    public void updateFollowerHighWatermark(long leaderHighWatermark) {
        long target = Math.min(leaderHighWatermark, log.logEndOffset());
        if (target > log.highWatermark()) {
            log.updateHighWatermark(target);
            context.listener().onPartitionChange(topicPartition);
        }
    }

    /**
     * As leader: the followers in the committed ISR whose fetch state is known (they fetched from
     * this leader), for choosing a preferred read replica (KIP-392). Empty when not leader.
     */
    public List<FollowerSnapshot> inSyncFollowers() {
        synchronized (lock) {
            if (!isLeader()) {
                return List.of();
            }
            List<Integer> isr = isrState.isr();
            long now = context.time().milliseconds();
            List<FollowerSnapshot> out = new ArrayList<>(isr.size());
            for (int id : isr) {
                FollowerState follower = followers.get(id);
                if (id != localBrokerId && follower != null && follower.logEndOffset >= 0) {
                    out.add(new FollowerSnapshot(id, follower.logEndOffset, now - follower.lastCaughtUpTimeMs));
                }
            }
            return out;
        }
    }

    private void becomeLeaderLocked() {
        followers.clear();
        trackReplicasLocked();
        leaderEpochStartOffset = log.logEndOffset();
    }

    /** Follower state for every replica but this one; ISR members start caught up now. */
    private void trackReplicasLocked() {
        long now = context.time().milliseconds();
        followers.keySet().retainAll(registration.replicas());
        for (int id : registration.replicas()) {
            if (id != localBrokerId && !followers.containsKey(id)) {
                followers.put(id, new FollowerState(isrState.isr().contains(id) ? now : 0));
            }
        }
    }

    private AlterPartitionRequestData maybeExpandIsrLocked(int replicaId, FollowerState follower) {
        IsrState state = isrState;
        if (state.isPending() || state.isr().contains(replicaId) || context.time().milliseconds() < isrChangeAllowedAtMs
                || follower.logEndOffset < log.highWatermark() || follower.logEndOffset < leaderEpochStartOffset
                || !context.isrEligible().test(replicaId)) {
            return null;
        }
        List<Integer> newIsr = new ArrayList<>(state.isr());
        newIsr.add(replicaId);
        logger.info("Expanding the ISR of {} from {} to {}", topicPartition, state.isr(), newIsr);
        return proposeLocked(newIsr);
    }

    private AlterPartitionRequestData proposeLocked(List<Integer> newIsr) {
        isrState = isrState.propose(newIsr);
        List<AlterPartitionRequestData.BrokerState> members = new ArrayList<>(newIsr.size());
        for (int id : newIsr) {
            members.add(new AlterPartitionRequestData.BrokerState().setBrokerId(id).setBrokerEpoch(-1));
        }
        AlterPartitionRequestData.PartitionData partition = new AlterPartitionRequestData.PartitionData()
                .setPartitionIndex(topicPartition.partition())
                .setLeaderEpoch(registration.leaderEpoch())
                .setPartitionEpoch(isrState.partitionEpoch())
                .setNewIsrWithEpochs(members);
        return new AlterPartitionRequestData().setBrokerId(localBrokerId).setBrokerEpoch(-1)
                .setTopics(List.of(new AlterPartitionRequestData.TopicData().setTopicId(topicId)
                        .setPartitions(List.of(partition))));
    }

    private void send(AlterPartitionRequestData request, IsrState proposed) {
        context.alterPartition().send(request).whenComplete((response, error) -> onAlterPartitionAnswer(proposed, response, error));
    }

    /**
     * Applies the controller's answer to the change {@code proposed}, unless a registration
     * replaced it meanwhile. A stale epoch or unknown partition leaves the change pending until
     * the next registration resets it; any other failure reverts to the committed ISR so the
     * change can be tried again.
     */
    private void onAlterPartitionAnswer(IsrState proposed, AlterPartitionResponseData response, Throwable error) {
        boolean moved;
        synchronized (lock) {
            if (isrState != proposed) {
                return;
            }
            AlterPartitionResponseData.PartitionData answer = error == null ? answerFor(response) : null;
            Errors result = error != null ? Errors.forException(error)
                    : response.errorCode() != Errors.NONE.code() ? Errors.forCode(response.errorCode())
                    : answer == null ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.forCode(answer.errorCode());
            switch (result) {
                case NONE -> {
                    if (answer.leaderEpoch() == registration.leaderEpoch()
                            && answer.partitionEpoch() >= proposed.partitionEpoch()) {
                        isrState = IsrState.committed(answer.isr(), answer.partitionEpoch());
                    }
                }
                case UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID, FENCED_LEADER_EPOCH, INVALID_UPDATE_VERSION ->
                        logger.info("ISR change {} of {} refused ({}); waiting for new metadata",
                                proposed.proposedIsr(), topicPartition, result);
                default -> {
                    logger.warn("ISR change {} of {} failed ({}); will retry in {} ms", proposed.proposedIsr(),
                            topicPartition, result, ALTER_PARTITION_RETRY_BACKOFF_MS);
                    isrState = IsrState.committed(proposed.isr(), proposed.partitionEpoch());
                    isrChangeAllowedAtMs = context.time().milliseconds() + ALTER_PARTITION_RETRY_BACKOFF_MS;
                }
            }
            moved = maybeIncrementHighWatermarkLocked();
        }
        if (moved) {
            context.listener().onPartitionChange(topicPartition);
        }
    }

    private AlterPartitionResponseData.PartitionData answerFor(AlterPartitionResponseData response) {
        for (AlterPartitionResponseData.TopicData topic : response.topics()) {
            if (topicId.equals(topic.topicId())) {
                for (AlterPartitionResponseData.PartitionData p : topic.partitions()) {
                    if (p.partitionIndex() == topicPartition.partition()) {
                        return p;
                    }
                }
            }
        }
        return null;
    }

    /**
     * Moves the leader's high watermark to the minimum log end offset over the maximal ISR, unless
     * the committed ISR is below the effective {@code min.insync.replicas}.
     */
    private boolean maybeIncrementHighWatermarkLocked() {
        IsrState state = isrState;
        if (registration.leader() != localBrokerId
                || state.isr().size() < Math.min(log.config().minInSyncReplicas(), registration.replicas().size())) {
            return false;
        }
        long candidate = minFollowerEnd(state.isr(), log.logEndOffset());
        if (state.isPending()) {
            candidate = minFollowerEnd(state.proposedIsr(), candidate);
        }
        if (candidate > log.highWatermark()) {
            log.updateHighWatermark(candidate);
            return true;
        }
        return false;
    }

    private long minFollowerEnd(List<Integer> members, long bound) {
        long min = bound;
        for (int i = 0; i < members.size(); i++) {
            int id = members.get(i);
            if (id != localBrokerId) {
                FollowerState follower = followers.get(id);
                min = Math.min(min, follower == null ? -1 : follower.logEndOffset);
            }
        }
        return min;
    }
}
