package io.runnel.coordinator.group.classic;

import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/** Builds the JoinGroup and SyncGroup answers of the classic protocol. */
public final class ClassicResponses {
    private ClassicResponses() {
    }

    /** A JoinGroup answer of the current generation; the leader gets the members and their metadata. */
    static JoinGroupResponseData joinResponse(ClassicGroup group, ClassicMember member, boolean withMembers) {
        JoinGroupResponseData response = new JoinGroupResponseData().setGenerationId(group.generationId)
                .setProtocolType(group.protocolType).setProtocolName(group.protocolName)
                .setLeader(group.leaderId).setMemberId(member.memberId);
        if (withMembers) {
            for (ClassicMember m : group.members.values()) {
                response.members().add(new JoinGroupResponseMember().setMemberId(m.memberId)
                        .setGroupInstanceId(m.groupInstanceId).setMetadata(m.metadata(group.protocolName)));
            }
        }
        return response;
    }

    public static JoinGroupResponseData joinError(String memberId, Errors error) {
        return new JoinGroupResponseData().setErrorCode(error.code()).setGenerationId(-1).setMemberId(memberId)
                .setProtocolName(null).setProtocolType(null).setLeader("");
    }

    static SyncGroupResponseData syncResponse(ClassicGroup group, ClassicMember member) {
        return new SyncGroupResponseData().setProtocolType(group.protocolType).setProtocolName(group.protocolName)
                .setAssignment(member.assignment);
    }

    public static SyncGroupResponseData syncError(Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(new byte[0]);
    }
}
