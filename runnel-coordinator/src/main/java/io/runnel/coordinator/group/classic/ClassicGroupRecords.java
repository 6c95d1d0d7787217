package io.runnel.coordinator.group.classic;

import io.runnel.coordinator.group.ClassicProtocol;
import io.runnel.coordinator.group.RecordReader;
import io.runnel.coordinator.group.RecordWriter;
import io.runnel.coordinator.runtime.CoordinatorRecord;

import java.util.List;

/**
 * The classic group record in {@code __consumer_offsets}: type 2, one per group, a snapshot of
 * the group after its latest synced generation (or after it emptied).
 *
 * <pre>
 * key:   int16 type=2, string groupId
 * value: int16 version=0, string protocolType, int32 generationId, string protocolName (nullable),
 *        string leaderId (nullable), int64 currentStateTimestampMs, int32 memberCount, then per member:
 *        string memberId, string groupInstanceId (nullable), string clientId, string clientHost,
 *        int32 rebalanceTimeoutMs, int32 sessionTimeoutMs, bytes subscription (the metadata of
 *        the selected protocol), bytes assignment
 * </pre>
 * A tombstone deletes the group.
 */
public final class ClassicGroupRecords {
    public static final short TYPE = 2;

    private ClassicGroupRecords() {
    }

    static CoordinatorRecord snapshot(ClassicGroup group) {
        RecordWriter out = new RecordWriter().int16(0).string(group.protocolType()).int32(group.generationId)
                .string(group.protocolName).string(group.leaderId).int64(group.currentStateTimestampMs)
                .int32(group.members.size());
        for (ClassicMember m : group.members.values()) {
            out.string(m.memberId).string(m.groupInstanceId).string(m.clientId).string(m.clientHost)
                    .int32(m.rebalanceTimeoutMs).int32(m.sessionTimeoutMs).bytes(m.metadata(group.protocolName))
                    .bytes(m.assignment);
        }
        return new CoordinatorRecord(TYPE, key(group.groupId()), out.toByteArray());
    }

    static CoordinatorRecord tombstone(String groupId) {
        return new CoordinatorRecord(TYPE, key(groupId), null);
    }

    public static String groupIdOf(byte[] key) {
        RecordReader in = new RecordReader(key);
        in.int16();
        return in.string();
    }

    /** Rebuilds a group from its snapshot: Stable with its members, or Empty without. */
    static ClassicGroup read(String groupId, byte[] value) {
        RecordReader in = new RecordReader(value);
        in.int16();
        String protocolType = in.string();
        ClassicGroup group = new ClassicGroup(groupId, 0);
        group.protocolType = protocolType.isEmpty() ? null : protocolType;
        group.generationId = in.int32();
        group.protocolName = in.string();
        group.leaderId = in.string();
        long stateTimestamp = in.int64();
        int count = in.int32();
        for (int i = 0; i < count; i++) {
            String memberId = in.string();
            String instanceId = in.string();
            String clientId = in.string();
            String clientHost = in.string();
            int rebalanceTimeout = in.int32();
            int sessionTimeout = in.int32();
            byte[] subscription = in.bytes();
            byte[] assignment = in.bytes();
            ClassicMember member = new ClassicMember(memberId, instanceId, clientId, clientHost, rebalanceTimeout,
                    sessionTimeout, List.of(new ClassicProtocol(group.protocolName,
                    subscription == null ? new byte[0] : subscription)));
            member.assignment = assignment == null ? new byte[0] : assignment;
            group.members.put(memberId, member);
            if (instanceId != null) {
                group.staticMembers.put(instanceId, memberId);
            }
        }
        group.transitionTo(group.members.isEmpty() ? ClassicGroupState.EMPTY : ClassicGroupState.STABLE, stateTimestamp);
        return group;
    }

    private static byte[] key(String groupId) {
        return new RecordWriter().int16(TYPE).string(groupId).toByteArray();
    }
}
