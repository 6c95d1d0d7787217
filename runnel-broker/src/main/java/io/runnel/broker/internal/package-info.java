/**
 * The broker's side of the coordinators' internal topics ({@code __consumer_offsets} for groups,
 * {@code __transaction_state} for transactions): each topic as a
 * {@link io.runnel.coordinator.runtime.CoordinatorLog} over the replica manager, its creation on
 * first need, and leadership changes of its partitions passed to its coordinator. One piece
 * serves both coordinators; only the topic name, configs and coordinator differ.
 */
package io.runnel.broker.internal;
