/**
 * The group coordinator: consumer groups of both protocols (classic and KIP-848) and their
 * committed offsets, kept in the partitions of {@code __consumer_offsets}. The coordinator of a
 * group is the leader of partition {@code abs(groupId.hashCode()) % offsets.topic.num.partitions}.
 * Offsets committed in a transaction (TxnOffsetCommit) are written in the producer's
 * transactional batch and stay pending until its COMMIT/ABORT marker reaches the partition.
 */
package io.runnel.coordinator.group;
