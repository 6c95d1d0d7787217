/**
 * The follower side of replication: one {@code ReplicaFetcher} thread per leader broker fetches
 * every partition this broker follows from it (after truncating a divergent tail with
 * OffsetForLeaderEpoch) and appends the batches as the leader wrote them.
 */
package io.runnel.broker.replica.fetcher;
