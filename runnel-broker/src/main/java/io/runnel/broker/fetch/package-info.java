/**
 * Fetch sessions (KIP-227): a consumer's set of partitions is cached under a session id so that
 * later fetches carry and return only what changed. The cache answers each Fetch with a
 * {@link io.runnel.broker.fetch.FetchContext} that says what to read and how to filter the response.
 * {@link io.runnel.broker.fetch.FetchReader} reads each partition (leader, or follower for KIP-392
 * consumers), {@link io.runnel.broker.fetch.ReadReplicaSelector} picks a consumer's preferred read
 * replica, and {@link io.runnel.broker.fetch.DelayedFetch} parks a fetch until it has enough.
 */
package io.runnel.broker.fetch;
