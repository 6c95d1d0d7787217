package io.runnel.coordinator.group;

import io.runnel.coordinator.group.consumer.ConsumerGroupSettings;
import io.runnel.coordinator.runtime.CoordinatorLog;
import io.runnel.coordinator.runtime.CoordinatorRecord;
import io.runnel.coordinator.runtime.CoordinatorResult;
import io.runnel.coordinator.runtime.InMemoryCoordinatorLog;
import io.runnel.metadata.MetadataImage;
import io.runnel.testkit.ManualTime;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Drives a {@link GroupCoordinatorShard} as the runtime would, on the test thread: results'
 * records are appended to an in-memory log (partition 0) and replayed at once, transactional
 * ones as pending until {@link #endTransaction}; {@link #advance} moves the clock and runs due
 * timers as writes; {@link #reload} replays the log into a new shard.
 */
final class ShardHarness {
    final ManualTime time = new ManualTime();
    final FakeTimer timer = new FakeTimer(time);
    final InMemoryCoordinatorLog log = new InMemoryCoordinatorLog();
    final GroupConfig config;
    private final ConsumerGroupSettings consumerSettings;
    private final Supplier<MetadataImage> metadata;
    GroupCoordinatorShard shard;

    ShardHarness(GroupConfig config) {
        this(config, ConsumerGroupSettings.defaults(), () -> MetadataImage.empty(""));
    }

    ShardHarness(GroupConfig config, ConsumerGroupSettings consumerSettings, Supplier<MetadataImage> metadata) {
        this.config = config;
        this.consumerSettings = consumerSettings;
        this.metadata = metadata;
        this.shard = new GroupCoordinatorShard(config, consumerSettings, metadata, time, timer);
        shard.onLoaded();
    }

    <T> T write(Function<GroupCoordinatorShard, CoordinatorResult<T>> op) {
        CoordinatorResult<T> result = op.apply(shard);
        apply(result);
        return result.response();
    }

    /** A write in the producer's transaction: its records stay pending until {@link #endTransaction}. */
    <T> T txnWrite(long producerId, Function<GroupCoordinatorShard, CoordinatorResult<T>> op) {
        CoordinatorResult<T> result = op.apply(shard);
        if (!result.records().isEmpty()) {
            log.appendTransactional(0, 0, producerId, (short) 0, result.records());
            result.records().forEach(r -> shard.replayTransactional(producerId, r));
        }
        return result.response();
    }

    /** The producer's COMMIT or ABORT marker. */
    void endTransaction(long producerId, boolean commit) {
        log.appendMarker(0, 0, producerId, (short) 0, commit, 0);
        shard.replayEndTransaction(producerId, commit);
    }

    /** Every record appended so far, markers left out. */
    List<CoordinatorRecord> records() {
        return log.records(0);
    }

    /** A classic-group write whose completion runs after the (instant) commit. */
    void writeAndComplete(Function<GroupCoordinatorShard, CoordinatorResult<Runnable>> op) {
        write(op).run();
    }

    void advance(long ms) {
        time.advance(ms);
        Supplier<CoordinatorResult<Void>> op;
        while ((op = timer.nextExpired()) != null) {
            apply(op.get());
        }
    }

    /** A new shard loaded from the log, as after a restart. */
    void reload() {
        shard = new GroupCoordinatorShard(config, consumerSettings, metadata, time, new FakeTimer(time));
        GroupCoordinatorShard loading = shard;
        log.readAll(0, new CoordinatorLog.LoadSink() {
            @Override
            public void record(long producerId, CoordinatorRecord record) {
                if (producerId < 0) {
                    loading.replay(record);
                } else {
                    loading.replayTransactional(producerId, record);
                }
            }

            @Override
            public void endTransaction(long producerId, boolean commit) {
                loading.replayEndTransaction(producerId, commit);
            }
        });
        shard.onLoaded();
    }

    private void apply(CoordinatorResult<?> result) {
        if (!result.records().isEmpty()) {
            log.append(0, 0, result.records());
            result.records().forEach(shard::replay);
        }
    }
}
