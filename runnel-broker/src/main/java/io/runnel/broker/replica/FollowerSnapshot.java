package io.runnel.broker.replica;

/**
 * A leader's view of one in-sync follower at one moment, for choosing a preferred read replica
 * (KIP-392).
 *
 * @param logEndOffset the offset of the follower's last fetch from this leader
 * @param timeSinceLastCaughtUpMs milliseconds since the follower was last caught up
 */
public record FollowerSnapshot(int brokerId, long logEndOffset, long timeSinceLastCaughtUpMs) {
}
