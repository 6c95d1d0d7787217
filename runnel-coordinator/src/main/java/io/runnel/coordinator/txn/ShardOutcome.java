package io.runnel.coordinator.txn;

/**
 * What a shard operation answers besides its records: the response, the markers to write once the
 * records commit (or null), or that it needs a producer id first (the coordinator gets one from
 * its {@link ProducerIdSource}, off the shard thread, and runs the operation again with it).
 *
 * @param <T> the response type
 */
record ShardOutcome<T>(T response, PendingMarkers markers, boolean needsProducerId) {

    static <T> ShardOutcome<T> answer(T response) {
        return new ShardOutcome<>(response, null, false);
    }

    static <T> ShardOutcome<T> withMarkers(T response, PendingMarkers markers) {
        return new ShardOutcome<>(response, markers, false);
    }

    static <T> ShardOutcome<T> producerIdNeeded() {
        return new ShardOutcome<>(null, null, true);
    }
}
