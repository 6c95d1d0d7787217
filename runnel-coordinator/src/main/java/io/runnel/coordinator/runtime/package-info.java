/**
 * The coordinator runtime: runs state machines whose state is the replay of an internal topic
 * partition. Each partition's state machine (a shard) is owned by one thread; requests and timers
 * become events on that thread; a write returns records plus a result ({@link
 * io.runnel.coordinator.runtime.CoordinatorResult}) and the result is released once the records
 * are committed. A shard is rebuilt by replaying its partition when this broker becomes its leader.
 */
package io.runnel.coordinator.runtime;
