package io.runnel.coordinator.runtime;

import java.util.List;

/**
 * What a coordinator write produces: the records to append to the coordinator's partition and the
 * response to send once they are committed. State changes only when the records are replayed, so
 * loading a partition after a restart or a leadership move runs the same code as the write did.
 *
 * @param records  records to append, in order; empty for a write that changes nothing
 * @param response the response to complete once the records are committed (may be null)
 * @param <T>      the response type
 */
public record CoordinatorResult<T>(List<CoordinatorRecord> records, T response) {

    public CoordinatorResult {
        records = List.copyOf(records);
    }

    public static <T> CoordinatorResult<T> of(T response) {
        return new CoordinatorResult<>(List.of(), response);
    }
}
