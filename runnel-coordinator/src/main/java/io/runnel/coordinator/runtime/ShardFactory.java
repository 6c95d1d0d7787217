package io.runnel.coordinator.runtime;

/** Builds the empty state machine of a partition this broker was elected to lead. */
@FunctionalInterface
public interface ShardFactory<S extends CoordinatorShard> {

    /** @param timer the shard's timers; valid until the shard is unloaded */
    S create(int partition, CoordinatorTimer timer);
}
