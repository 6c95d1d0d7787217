/**
 * The broker's side of the group coordinator: {@code __consumer_offsets} as a
 * {@link io.runnel.coordinator.runtime.CoordinatorLog} over the replica manager, creation of the
 * topic on first need, and leadership changes of its partitions passed to the coordinator.
 */
package io.runnel.broker.group;
