package io.runnel.coordinator.group;

import io.runnel.coordinator.runtime.CoordinatorRecord;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.protocol.Errors;

import java.util.List;

/**
 * What the offsets store and the admin APIs need from a group of either protocol. Classic
 * groups and KIP-848 consumer groups implement it; both live in one {@link GroupRegistry}.
 *
 * <p>Thread-safety: confined to the shard's thread.
 */
public interface Group {

    /**
     * A usable group id: not empty (Kafka's INVALID_GROUP_ID), and short enough for the int16
     * length of a record key string even when every character takes 4 UTF-8 bytes.
     */
    static boolean isValidGroupId(String groupId) {
        return groupId != null && !groupId.isEmpty() && groupId.length() <= Short.MAX_VALUE / 4;
    }

    String groupId();

    GroupType type();

    /** The state as ListGroups and DescribeGroups name it (e.g. "Stable", "Empty"). */
    String stateName();

    /** The protocol type ("consumer" for Kafka consumers; "" for a group that only commits offsets). */
    String protocolType();

    boolean isEmpty();

    /**
     * Checks an OffsetCommit's member. {@code generationIdOrMemberEpoch} is the classic generation
     * or the KIP-848 member epoch; -1 with an empty member id is a commit from outside the group
     * (assign() or admin), allowed only while it has no members.
     *
     * @return NONE, or the error to answer every partition with (UNKNOWN_MEMBER_ID,
     *     ILLEGAL_GENERATION / STALE_MEMBER_EPOCH, REBALANCE_IN_PROGRESS, FENCED_INSTANCE_ID, ...)
     */
    Errors validateOffsetCommit(String memberId, String groupInstanceId, int generationIdOrMemberEpoch);

    /**
     * Checks a TxnOffsetCommit's member: as {@link #validateOffsetCommit}, except that a stale
     * KIP-848 member epoch is ILLEGAL_GENERATION (Kafka's answer to transactional producers).
     */
    default Errors validateTxnOffsetCommit(String memberId, String groupInstanceId, int generationIdOrMemberEpoch) {
        Errors error = validateOffsetCommit(memberId, groupInstanceId, generationIdOrMemberEpoch);
        return error == Errors.STALE_MEMBER_EPOCH ? Errors.ILLEGAL_GENERATION : error;
    }

    /** Checks an OffsetFetch that names a member (v9+); NONE when it names none. */
    Errors validateOffsetFetch(String memberId, int memberEpoch);

    /** Whether a live member consumes {@code topic}, so its offsets may not be deleted. */
    boolean isSubscribedTo(String topic);

    /**
     * When a committed offset of {@code topic} starts to age towards {@code offsets.retention.minutes}
     * (milliseconds since the epoch), or -1 if it does not expire while the group is as it is.
     * Kafka's rule: an empty group's offsets age from when it became empty; a group without a
     * protocol (offsets only) ages each offset from its commit; a live consumer group ages only
     * offsets of topics it no longer subscribes to.
     */
    long offsetExpirationBaseMs(String topic, long commitTimestampMs);

    /** NONE if DeleteGroups may delete the group, else the error (NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND). */
    Errors validateDeleteGroup();

    /** The tombstones that delete this group's own records (not its offsets). */
    List<CoordinatorRecord> deletionRecords();
}
