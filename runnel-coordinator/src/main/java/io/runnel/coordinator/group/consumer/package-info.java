/**
 * Consumer groups of the KIP-848 protocol (ConsumerGroupHeartbeat, ConsumerGroupDescribe): the
 * broker computes assignments with a server-side assignor and members reconcile towards them
 * with member epochs and incremental revocation.
 *
 * <p>{@link io.runnel.coordinator.group.consumer.ConsumerGroups} owns all consumer groups of one
 * coordinator shard: requests produce records plus a response, and only replaying the records
 * ({@link io.runnel.coordinator.group.consumer.ConsumerGroups#replay}) changes state. The record
 * formats (types 3-8 in {@code __consumer_offsets}) are in
 * {@link io.runnel.coordinator.group.consumer.ConsumerGroupRecords}.
 */
package io.runnel.coordinator.group.consumer;
