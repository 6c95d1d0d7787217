package io.runnel.coordinator.group.consumer;

import io.runnel.coordinator.group.ClassicProtocol;
import io.runnel.coordinator.group.RecordReader;
import io.runnel.coordinator.group.RecordWriter;
import io.runnel.coordinator.runtime.CoordinatorRecord;
import org.apache.kafka.common.Uuid;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The records of consumer groups in {@code __consumer_offsets} (types 3-8 of the 3-15 range).
 *
 * <p>Keys: int16 type, then the group id and, for per-member types, the member id (strings as in
 * {@link RecordWriter}). So compaction keeps the latest group epoch and assignment epoch per group
 * and the latest subscription, target and current assignment per member; removing a member or a
 * group writes tombstones for its keys. Values start with an int16 format version (0 unless said):
 * <ul>
 *   <li>{@value #GROUP_METADATA} group metadata: int32 group epoch, int64 hash of the subscribed
 *       topics' metadata at that epoch (a changed hash bumps the epoch)</li>
 *   <li>{@value #MEMBER_SUBSCRIPTION} member subscription: instance id, rack id, client id, client
 *       host, subscribed topic names, regex, server assignor (strings), int32 rebalance timeout ms;
 *       version 1 (only a member using the classic protocol) adds int32 session timeout ms and its
 *       JoinGroup protocols: int32 count, then per protocol its name (string) and metadata (bytes)</li>
 *   <li>{@value #TARGET_ASSIGNMENT_METADATA} target assignment metadata: int32 assignment epoch</li>
 *   <li>{@value #TARGET_ASSIGNMENT_MEMBER} target assignment of a member: assignment</li>
 *   <li>{@value #CURRENT_ASSIGNMENT} current assignment of a member: int32 member epoch, int32
 *       previous member epoch, int8 {@link MemberState} code, assigned partitions, partitions
 *       pending revocation</li>
 * </ul>
 * Type 4 is left unused (Kafka's subscription metadata record; the hash replaces it).
 */
public final class ConsumerGroupRecords {

    public static final short GROUP_METADATA = 3;
    public static final short MEMBER_SUBSCRIPTION = 5;
    public static final short TARGET_ASSIGNMENT_METADATA = 6;
    public static final short TARGET_ASSIGNMENT_MEMBER = 7;
    public static final short CURRENT_ASSIGNMENT = 8;

    private static final short VERSION = 0;
    /** The member-subscription version of a member that uses the classic protocol. */
    private static final short CLASSIC_MEMBER_VERSION = 1;

    private ConsumerGroupRecords() {
    }

    /** Whether {@code type} is one of the types this package owns (3-15). */
    public static boolean owns(short type) {
        return type >= 3 && type <= 15;
    }

    /** Whether this version knows {@code type}; other types of the range are skipped on replay. */
    static boolean isKnown(short type) {
        return type == GROUP_METADATA || type == MEMBER_SUBSCRIPTION || type == TARGET_ASSIGNMENT_METADATA
                || type == TARGET_ASSIGNMENT_MEMBER || type == CURRENT_ASSIGNMENT;
    }

    /** The group and member id of a record key (member id null for per-group types). */
    public record Key(String groupId, String memberId) {
    }

    /** A decoded current-assignment value. */
    public record CurrentAssignment(int memberEpoch, int previousMemberEpoch, MemberState state,
                                    Map<Uuid, Set<Integer>> assignedPartitions,
                                    Map<Uuid, Set<Integer>> partitionsPendingRevocation) {
    }

    /** A decoded group-metadata value. */
    public record GroupMetadata(int groupEpoch, long metadataHash) {
    }

    public static CoordinatorRecord groupMetadata(String groupId, int groupEpoch, long metadataHash) {
        return new CoordinatorRecord(GROUP_METADATA, groupKey(GROUP_METADATA, groupId),
                value().int32(groupEpoch).int64(metadataHash).toByteArray());
    }

    public static CoordinatorRecord groupMetadataTombstone(String groupId) {
        return new CoordinatorRecord(GROUP_METADATA, groupKey(GROUP_METADATA, groupId), null);
    }

    public static CoordinatorRecord memberSubscription(String groupId, ConsumerGroupMember member) {
        ClassicMemberMetadata classic = member.classic();
        RecordWriter value = new RecordWriter().int16(classic == null ? VERSION : CLASSIC_MEMBER_VERSION)
                .string(member.instanceId()).string(member.rackId()).string(member.clientId())
                .string(member.clientHost()).strings(member.subscribedTopicNames())
                .string(member.subscribedTopicRegex()).string(member.serverAssignor())
                .int32(member.rebalanceTimeoutMs());
        if (classic != null) {
            value.int32(classic.sessionTimeoutMs()).int32(classic.protocols().size());
            classic.protocols().forEach(p -> value.string(p.name()).bytes(p.metadata()));
        }
        return new CoordinatorRecord(MEMBER_SUBSCRIPTION, memberKey(MEMBER_SUBSCRIPTION, groupId, member.memberId()),
                value.toByteArray());
    }

    public static CoordinatorRecord memberSubscriptionTombstone(String groupId, String memberId) {
        return new CoordinatorRecord(MEMBER_SUBSCRIPTION, memberKey(MEMBER_SUBSCRIPTION, groupId, memberId), null);
    }

    public static CoordinatorRecord targetAssignmentMetadata(String groupId, int assignmentEpoch) {
        return new CoordinatorRecord(TARGET_ASSIGNMENT_METADATA, groupKey(TARGET_ASSIGNMENT_METADATA, groupId),
                value().int32(assignmentEpoch).toByteArray());
    }

    public static CoordinatorRecord targetAssignmentMetadataTombstone(String groupId) {
        return new CoordinatorRecord(TARGET_ASSIGNMENT_METADATA, groupKey(TARGET_ASSIGNMENT_METADATA, groupId), null);
    }

    public static CoordinatorRecord targetAssignmentMember(String groupId, String memberId,
                                                           Map<Uuid, Set<Integer>> partitions) {
        return new CoordinatorRecord(TARGET_ASSIGNMENT_MEMBER, memberKey(TARGET_ASSIGNMENT_MEMBER, groupId, memberId),
                value().assignment(partitions).toByteArray());
    }

    public static CoordinatorRecord targetAssignmentMemberTombstone(String groupId, String memberId) {
        return new CoordinatorRecord(TARGET_ASSIGNMENT_MEMBER, memberKey(TARGET_ASSIGNMENT_MEMBER, groupId, memberId),
                null);
    }

    public static CoordinatorRecord currentAssignment(String groupId, ConsumerGroupMember member) {
        byte[] value = value().int32(member.memberEpoch()).int32(member.previousMemberEpoch())
                .int8(member.state().code()).assignment(member.assignedPartitions())
                .assignment(member.partitionsPendingRevocation()).toByteArray();
        return new CoordinatorRecord(CURRENT_ASSIGNMENT, memberKey(CURRENT_ASSIGNMENT, groupId, member.memberId()),
                value);
    }

    public static CoordinatorRecord currentAssignmentTombstone(String groupId, String memberId) {
        return new CoordinatorRecord(CURRENT_ASSIGNMENT, memberKey(CURRENT_ASSIGNMENT, groupId, memberId), null);
    }

    /** Decodes a key of any of this package's types. */
    public static Key readKey(CoordinatorRecord record) {
        RecordReader in = new RecordReader(record.key());
        in.int16();
        String groupId = in.string();
        boolean perMember = record.type() == MEMBER_SUBSCRIPTION || record.type() == TARGET_ASSIGNMENT_MEMBER
                || record.type() == CURRENT_ASSIGNMENT;
        return new Key(groupId, perMember ? in.string() : null);
    }

    public static GroupMetadata readGroupMetadata(byte[] value) {
        RecordReader in = versioned(value);
        return new GroupMetadata(in.int32(), in.int64());
    }

    /** The subscription of a member; its assignment fields are those of a joining member. */
    public static ConsumerGroupMember readMemberSubscription(String memberId, byte[] value) {
        RecordReader in = new RecordReader(value);
        short version = in.int16();
        if (version != VERSION && version != CLASSIC_MEMBER_VERSION) {
            throw new IllegalStateException("Unknown consumer group member record version " + version);
        }
        ConsumerGroupMember member = ConsumerGroupMember.joining(memberId).withSubscription(in.string(), in.string(),
                in.string(), in.string(), in.strings(), in.string(), in.string(), in.int32());
        if (version == VERSION) {
            return member;
        }
        int sessionTimeoutMs = in.int32();
        int count = in.int32();
        List<ClassicProtocol> protocols = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            protocols.add(new ClassicProtocol(in.string(), in.bytes()));
        }
        return member.withClassic(new ClassicMemberMetadata(sessionTimeoutMs, protocols));
    }

    public static int readTargetAssignmentMetadata(byte[] value) {
        return versioned(value).int32();
    }

    public static Map<Uuid, Set<Integer>> readTargetAssignmentMember(byte[] value) {
        return versioned(value).assignment();
    }

    public static CurrentAssignment readCurrentAssignment(byte[] value) {
        RecordReader in = versioned(value);
        return new CurrentAssignment(in.int32(), in.int32(), MemberState.fromCode(in.int8()), in.assignment(),
                in.assignment());
    }

    private static RecordWriter value() {
        return new RecordWriter().int16(VERSION);
    }

    private static RecordReader versioned(byte[] value) {
        RecordReader in = new RecordReader(value);
        short version = in.int16();
        if (version != VERSION) {
            throw new IllegalStateException("Unknown consumer group record version " + version);
        }
        return in;
    }

    private static byte[] groupKey(short type, String groupId) {
        return new RecordWriter().int16(type).string(groupId).toByteArray();
    }

    private static byte[] memberKey(short type, String groupId, String memberId) {
        return new RecordWriter().int16(type).string(groupId).string(memberId).toByteArray();
    }
}
