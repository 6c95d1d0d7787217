package io.runnel.coordinator.group;

import io.runnel.coordinator.runtime.CoordinatorRecord;
import io.runnel.coordinator.runtime.CoordinatorResult;
import io.runnel.coordinator.runtime.ManualTime;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Drives a {@link GroupCoordinatorShard} as the runtime would, on the test thread: results'
 * records are kept (the "log") and replayed at once; {@link #advance} moves the clock and runs
 * due timers as writes.
 */
final class ShardHarness {
    final ManualTime time = new ManualTime();
    final FakeTimer timer = new FakeTimer(time);
    final List<CoordinatorRecord> log = new ArrayList<>();
    final GroupConfig config;
    GroupCoordinatorShard shard;

    ShardHarness(GroupConfig config) {
        this.config = config;
        this.shard = new GroupCoordinatorShard(config, time, timer);
        shard.onLoaded();
    }

    <T> T write(Function<GroupCoordinatorShard, CoordinatorResult<T>> op) {
        CoordinatorResult<T> result = op.apply(shard);
        apply(result);
        return result.response();
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
        shard = new GroupCoordinatorShard(config, time, new FakeTimer(time));
        log.forEach(shard::replay);
        shard.onLoaded();
    }

    private void apply(CoordinatorResult<?> result) {
        log.addAll(result.records());
        result.records().forEach(shard::replay);
    }
}
