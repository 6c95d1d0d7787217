/**
 * The classic group protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup): client-side
 * assignment, generations, static membership. Record type 2 of {@code __consumer_offsets}.
 */
package io.runnel.coordinator.group.classic;
