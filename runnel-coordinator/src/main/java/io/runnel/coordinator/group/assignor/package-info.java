/**
 * Server-side partition assignors of the consumer group protocol (KIP-848): given each member's
 * subscribed topics and its current target assignment, compute the next target assignment.
 * Assignors are pure functions of their input (deterministic for a given spec), so the group
 * coordinator can call them on its shard thread and record the result.
 */
package io.runnel.coordinator.group.assignor;
