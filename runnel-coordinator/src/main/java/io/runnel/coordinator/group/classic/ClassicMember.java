package io.runnel.coordinator.group.classic;

import io.runnel.coordinator.group.ClassicProtocol;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A member of a classic group: its identity, timeouts, the protocols it supports (name plus
 * opaque metadata, in preference order) and the assignment the leader gave it. A member waiting
 * for its JoinGroup or SyncGroup answer holds the future to complete.
 *
 * <p>Thread-safety: confined to the shard's thread.
 */
final class ClassicMember {
    final String memberId;
    final String groupInstanceId;
    String clientId;
    String clientHost;
    int rebalanceTimeoutMs;
    int sessionTimeoutMs;
    List<ClassicProtocol> protocols;
    byte[] assignment = new byte[0];
    CompletableFuture<JoinGroupResponseData> joinFuture;
    CompletableFuture<SyncGroupResponseData> syncFuture;

    ClassicMember(String memberId, String groupInstanceId, String clientId, String clientHost, int rebalanceTimeoutMs,
                  int sessionTimeoutMs, List<ClassicProtocol> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocols = protocols;
    }

    boolean isStatic() {
        return groupInstanceId != null;
    }

    boolean isAwaitingJoin() {
        return joinFuture != null;
    }

    /** The metadata this member sent for {@code protocolName}, or null if it does not support it. */
    byte[] metadata(String protocolName) {
        return ClassicProtocol.metadataOf(protocols, protocolName);
    }

    boolean sameProtocols(List<ClassicProtocol> other) {
        if (other.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            if (!other.get(i).name().equals(protocols.get(i).name())
                    || !Arrays.equals(other.get(i).metadata(), protocols.get(i).metadata())) {
                return false;
            }
        }
        return true;
    }
}
