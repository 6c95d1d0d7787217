package io.runnel.coordinator.runtime;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The partitions of a coordinator's internal topic, as the runtime sees them. Implemented by the
 * broker over its replica manager; tests use an in-memory log.
 *
 * <p>Thread-safety: called from the shard thread that owns {@code partition}; implementations
 * must allow calls for different partitions from different threads.
 */
public interface CoordinatorLog {

    /**
     * Appends {@code records} to {@code partition} as leader, as one batch.
     *
     * @param leaderEpoch the epoch the runtime was elected in; an append under another epoch
     *     must fail with {@code NotLeaderOrFollowerException}
     * @throws org.apache.kafka.common.errors.ApiException the append failed; nothing was written
     */
    Appended append(int partition, int leaderEpoch, List<CoordinatorRecord> records);

    /**
     * Reads {@code partition} from its log start to its log end offset, in offset order, passing
     * each record to {@code sink} (tombstones included).
     */
    void readAll(int partition, Consumer<CoordinatorRecord> sink);

    /**
     * The result of an append.
     *
     * @param lastOffset the offset of the last record appended
     * @param committed  completes when the high watermark passes {@code lastOffset}, or
     *     exceptionally when the records will never be committed
     */
    record Appended(long lastOffset, CompletableFuture<Void> committed) {
    }
}
