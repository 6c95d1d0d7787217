package io.runnel.broker.replica;

import io.runnel.metadata.PartitionRegistration;
import io.runnel.storage.AppendInfo;
import io.runnel.storage.LogReadInfo;
import io.runnel.storage.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * This broker's replica of one partition: its log plus the partition's registration in the
 * metadata image (replicas, ISR, leader, leader epoch).
 *
 * <p>The high watermark is the minimum log end offset over the ISR; while the ISR is this broker
 * alone it follows the log end offset. Invariant: {@code logStartOffset <= highWatermark <= logEndOffset}.
 *
 * <p>Thread-safety: the registration is swapped atomically by the metadata replay thread;
 * appends and reads rely on the log's own serialization.
 */
public final class Partition {
    private final int localBrokerId;
    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final PartitionLog log;
    private volatile PartitionRegistration registration;

    Partition(int localBrokerId, TopicPartition topicPartition, Uuid topicId, PartitionLog log,
              PartitionRegistration registration) {
        this.localBrokerId = localBrokerId;
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.log = log;
        this.registration = registration;
        // After an unclean stop the checkpointed high watermark lags the recovered log; a leader
        // alone in its ISR has every record it holds, so the high watermark is its log end.
        maybeIncrementHighWatermark();
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

    void updateRegistration(PartitionRegistration registration) {
        this.registration = registration;
        maybeIncrementHighWatermark();
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
     * {@code min.insync.replicas} members, checked before writing anything.
     */
    public AppendInfo appendAsLeader(MemoryRecords records, short requiredAcks) {
        PartitionRegistration current = registration;
        if (current.leader() != localBrokerId) {
            throw new NotLeaderOrFollowerException("broker " + localBrokerId + " does not lead " + topicPartition);
        }
        int minIsr = log.config().minInSyncReplicas();
        if (requiredAcks == -1 && current.isr().size() < minIsr) {
            throw new NotEnoughReplicasException("the ISR of " + topicPartition + " has " + current.isr().size()
                    + " members, below min.insync.replicas=" + minIsr);
        }
        AppendInfo info = log.appendAsLeader(records, current.leaderEpoch());
        maybeIncrementHighWatermark();
        return info;
    }

    /** Reads as leader up to the high watermark (the only data consumers may see). */
    public LogReadInfo readAsLeader(long fetchOffset, int maxBytes, boolean minOneBatch) {
        return log.read(fetchOffset, maxBytes, log.highWatermark(), minOneBatch);
    }

    private void maybeIncrementHighWatermark() {
        PartitionRegistration current = registration;
        if (current.leader() == localBrokerId && current.isr().size() == 1 && current.isr().get(0) == localBrokerId) {
            log.updateHighWatermark(log.logEndOffset());
        }
    }
}
