package io.runnel.coordinator.txn;

import io.runnel.coordinator.runtime.CoordinatorRecord;
import io.runnel.coordinator.runtime.CoordinatorResult;
import io.runnel.coordinator.runtime.CoordinatorTimer;
import io.runnel.testkit.ManualTime;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any sequence of producer requests, marker completions and timeouts, driven on one shard as the
 * runtime would (records replayed as they are written): a shard that replays the written records
 * has the same transactions, and every state keeps the protocol's invariants.
 */
class ShardReplayProperties {
    private static final String[] IDS = {"a", "b", "c"};

    @Property(tries = 200)
    void replayRebuildsTheStateOfAnyRequestSequence(
            @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 8 * 3 - 1) Integer> steps) {
        ManualTime time = new ManualTime();
        List<CoordinatorRecord> log = new ArrayList<>();
        List<PendingMarkers> pending = new ArrayList<>();
        TransactionCoordinatorShard shard = shard(time);
        long nextProducerId = 1000;
        for (int step : steps) {
            String id = IDS[step % IDS.length];
            TransactionMetadata m = shard.transaction(id);
            long pid = m == null ? 1 : m.producerId();
            short epoch = m == null ? 0 : m.producerEpoch();
            try {
                CoordinatorResult<?> result = switch (step / IDS.length) {
                    case 0 -> shard.initProducerId(id, 10_000, -1, (short) -1, nextProducerId++);
                    case 1 -> shard.addPartitions(id, pid, epoch, Set.of(new TopicPartition("t", step % 4)),
                            TransactionMetadata.TV_0);
                    case 2 -> shard.addPartitions(id, pid, epoch, Set.of(new TopicPartition("u", 0)),
                            TransactionMetadata.TV_2);
                    case 3 -> shard.endTxn(id, pid, epoch, true, false, nextProducerId++);
                    case 4 -> shard.endTxn(id, pid, epoch, step % 2 == 0, true, nextProducerId++);
                    case 5 -> shard.endTxn(id, pid, (short) (epoch - 1), false, true, nextProducerId++);
                    case 6 -> pending.isEmpty() ? CoordinatorResult.of(null)
                            : shard.completeTransaction(pending.remove(0));
                    default -> {
                        time.advance(6_000);
                        yield shard.abortTimedOutTransactions();
                    }
                };
                log.addAll(result.records());
                result.records().forEach(shard::replay);
                collectMarkers(result.response(), pending);
            } catch (ApiException expected) {
                // A refused request writes nothing.
            }
        }
        TransactionCoordinatorShard reloaded = shard(time);
        log.forEach(reloaded::replay);
        for (String id : IDS) {
            assertThat(reloaded.transaction(id)).isEqualTo(shard.transaction(id));
            TransactionMetadata m = shard.transaction(id);
            if (m != null) {
                assertThat(m.producerEpoch()).isNotNegative();
                assertThat(m.state()).isNotIn(TransactionState.DEAD, TransactionState.PREPARE_EPOCH_FENCE);
                if (m.state() == TransactionState.EMPTY || m.state().name().startsWith("COMPLETE")) {
                    assertThat(m.partitions()).isEmpty();
                }
            }
        }
    }

    private static void collectMarkers(Object response, List<PendingMarkers> pending) {
        if (response instanceof ShardOutcome<?> outcome && outcome.markers() != null) {
            pending.add(outcome.markers());
        } else if (response instanceof List<?> list) {
            list.forEach(p -> pending.add((PendingMarkers) p));
        }
    }

    private static TransactionCoordinatorShard shard(ManualTime time) {
        return new TransactionCoordinatorShard(0, 1, CoordinatorFixture.CONFIG, time, new NoTimer(),
                new MarkerScheduler() {
                    @Override
                    public void abortTimedOutTransactions(int partition) {
                    }

                    @Override
                    public void writeMarkers(int partition, PendingMarkers markers) {
                    }
                });
    }

    /** Timers are not run here: the property drives timeouts itself. */
    private static final class NoTimer implements CoordinatorTimer {
        @Override
        public void schedule(String key, long delayMs, Supplier<CoordinatorResult<Void>> operation) {
        }

        @Override
        public void cancel(String key) {
        }

        @Override
        public boolean isScheduled(String key) {
            return false;
        }
    }
}
