/**
 * Cluster metadata, the KRaft way: a log of metadata records replicated by an Apache Ratis quorum,
 * replayed on every node into an immutable {@link io.runnel.metadata.MetadataImage}.
 *
 * <p>The Raft leader is the active {@link io.runnel.metadata.Controller}: it turns requests into
 * records plus a result; state changes only when the records are replayed, on one thread, so
 * the leader, followers and a restarted node run the same code. Single-node mode is a one-voter
 * quorum inside the broker process.
 */
package io.runnel.metadata;
