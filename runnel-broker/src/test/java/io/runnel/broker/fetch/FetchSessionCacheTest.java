package io.runnel.broker.fetch;

import io.runnel.testkit.ManualTime;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class FetchSessionCacheTest {
    private static final Uuid TOPIC = Uuid.randomUuid();
    private static final TopicIdPartition P0 = new TopicIdPartition(TOPIC, 0, "t");
    private static final TopicIdPartition P1 = new TopicIdPartition(TOPIC, 1, "t");
    private static final TopicIdPartition P2 = new TopicIdPartition(TOPIC, 2, "t");

    private final ManualTime time = new ManualTime();
    private final FetchSessionCache cache = new FetchSessionCache(10, 1_000, time);

    @Test
    void epochZeroCreatesSessionsWithNewIds() {
        FetchContext a = cache.newContext(0, 0, fetches(P0), List.of());
        FetchContext b = cache.newContext(0, 0, fetches(P0), List.of());
        assertThat(a.error()).isEqualTo(Errors.NONE);
        assertThat(a.sessionId()).isPositive();
        assertThat(b.sessionId()).isPositive().isNotEqualTo(a.sessionId());
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void epochMinusOneIsSessionlessAndClosesTheGivenSession() {
        FetchContext sessionless = cache.newContext(0, -1, fetches(P0), List.of());
        assertThat(sessionless.sessionId()).isZero();
        assertThat(cache.size()).isZero();

        int id = cache.newContext(0, 0, fetches(P0), List.of()).sessionId();
        FetchContext closing = cache.newContext(id, -1, fetches(P0), List.of());
        assertThat(closing.sessionId()).isZero();
        assertThat(closing.partitions()).extracting(PartitionFetch::id).containsExactly(P0);
        assertThat(cache.size()).isZero();
        assertThat(cache.newContext(id, 1, List.of(), List.of()).error()).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND);
    }

    @Test
    void wrongEpochAndUnknownIdAreErrors() {
        int id = cache.newContext(0, 0, fetches(P0), List.of()).sessionId();
        FetchContext wrongEpoch = cache.newContext(id, 2, List.of(), List.of());
        assertThat(wrongEpoch.error()).isEqualTo(Errors.INVALID_FETCH_SESSION_EPOCH);
        assertThat(wrongEpoch.partitions()).isEmpty();
        assertThat(cache.newContext(id + 1 == 0 ? 1 : id + 1, 1, List.of(), List.of()).error())
                .isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND);

        FetchContext first = cache.newContext(id, 1, List.of(), List.of());
        assertThat(first.error()).isEqualTo(Errors.NONE);
        assertThat(first.sessionId()).isEqualTo(id);
        assertThat(cache.newContext(id, 1, List.of(), List.of()).error()).isEqualTo(Errors.INVALID_FETCH_SESSION_EPOCH);
        assertThat(cache.newContext(id, 2, List.of(), List.of()).error()).isEqualTo(Errors.NONE);
    }

    @Test
    void incrementalResponseCarriesOnlyChangedPartitions() {
        FetchContext full = cache.newContext(0, 0, fetches(P0, P1, P2), List.of());
        int id = full.sessionId();
        full.responsePartitions(read(full, p -> data(10, 0, false, Errors.NONE)));

        FetchContext unchanged = cache.newContext(id, 1, List.of(), List.of());
        assertThat(unchanged.partitions()).extracting(PartitionFetch::id).containsExactly(P0, P1, P2);
        assertThat(unchanged.responsePartitions(read(unchanged, p -> data(10, 0, false, Errors.NONE)))).isEmpty();

        FetchContext changed = cache.newContext(id, 2, List.of(), List.of());
        Map<PartitionFetch, PartitionData> out = changed.responsePartitions(read(changed, p -> {
            if (p.id().equals(P1)) {
                return data(11, 0, false, Errors.NONE); // high watermark moved
            }
            if (p.id().equals(P2)) {
                return data(10, 3, false, Errors.NONE); // log start offset moved
            }
            return data(10, 0, false, Errors.NONE);
        }));
        assertThat(out.keySet()).extracting(PartitionFetch::id).containsExactlyInAnyOrder(P1, P2);

        FetchContext records = cache.newContext(id, 3, List.of(), List.of());
        out = records.responsePartitions(read(records, p -> p.id().equals(P0)
                ? data(10, 0, true, Errors.NONE) : p.id().equals(P1)
                ? data(11, 0, false, Errors.NOT_LEADER_OR_FOLLOWER) : data(10, 3, false, Errors.NONE)));
        assertThat(out.keySet()).extracting(PartitionFetch::id).containsExactlyInAnyOrder(P0, P1);
    }

    @Test
    void aPreferredReadReplicaIsAlwaysSent() {
        FetchContext full = cache.newContext(0, 0, fetches(P0, P1), List.of());
        int id = full.sessionId();
        full.responsePartitions(read(full, p -> data(10, 0, false, Errors.NONE)));

        FetchContext ctx = cache.newContext(id, 1, List.of(), List.of());
        Map<PartitionFetch, PartitionData> out = ctx.responsePartitions(read(ctx, p -> p.id().equals(P1)
                ? data(10, 0, false, Errors.NONE).setPreferredReadReplica(2) : data(10, 0, false, Errors.NONE)));
        assertThat(out.keySet()).extracting(PartitionFetch::id).containsExactly(P1);
    }

    @Test
    void forgottenPartitionsLeaveTheSession() {
        int id = cache.newContext(0, 0, fetches(P0, P1, P2), List.of()).sessionId();
        FetchContext ctx = cache.newContext(id, 1, List.of(), List.of(P1));
        assertThat(ctx.partitions()).extracting(PartitionFetch::id).containsExactly(P0, P2);
        assertThat(cache.newContext(id, 2, List.of(), List.of()).partitions())
                .extracting(PartitionFetch::id).containsExactly(P0, P2);
    }

    @Test
    void addedAndChangedPartitionsJoinTheSession() {
        int id = cache.newContext(0, 0, fetches(P0), List.of()).sessionId();
        PartitionFetch moved = new PartitionFetch(P0, 42, 1024, 0, -1);
        FetchContext ctx = cache.newContext(id, 1, List.of(moved, fetch(P1)), List.of());
        assertThat(ctx.partitions()).containsExactly(moved, fetch(P1));
    }

    @Test
    void partitionsWithDataMoveToTheBack() {
        FetchContext full = cache.newContext(0, 0, fetches(P0, P1, P2), List.of());
        int id = full.sessionId();
        full.responsePartitions(read(full, p -> data(10, 0, false, Errors.NONE)));

        FetchContext ctx = cache.newContext(id, 1, List.of(), List.of());
        ctx.responsePartitions(read(ctx, p -> data(10, 0, p.id().equals(P0), Errors.NONE)));
        assertThat(cache.newContext(id, 2, List.of(), List.of()).partitions())
                .extracting(PartitionFetch::id).containsExactly(P1, P2, P0);
    }

    @Test
    void boundedCacheEvictsTheLeastRecentlyUsedIdleSession() {
        FetchSessionCache small = new FetchSessionCache(2, 1_000, time);
        int a = small.newContext(0, 0, fetches(P0), List.of()).sessionId();
        time.advance(100);
        int b = small.newContext(0, 0, fetches(P0), List.of()).sessionId();

        time.advance(500);
        assertThat(small.newContext(0, 0, fetches(P0), List.of()).sessionId())
                .as("no session is idle long enough to evict").isZero();
        assertThat(small.size()).isEqualTo(2);

        time.advance(600); // a idle 1200 ms, b idle 1100 ms
        assertThat(small.newContext(b, 1, List.of(), List.of()).error()).isEqualTo(Errors.NONE); // b used now
        int c = small.newContext(0, 0, fetches(P0), List.of()).sessionId();
        assertThat(c).isPositive().isNotIn(a, b);
        assertThat(small.size()).isEqualTo(2);
        assertThat(small.newContext(a, 1, List.of(), List.of()).error()).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND);
        assertThat(small.newContext(b, 2, List.of(), List.of()).error()).isEqualTo(Errors.NONE);
        assertThat(small.newContext(c, 1, List.of(), List.of()).error()).isEqualTo(Errors.NONE);
    }

    @Test
    void boundHoldsUnderConcurrentCreation() throws Exception {
        FetchSessionCache small = new FetchSessionCache(4, 60_000, time);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 500; i++) {
                        small.newContext(0, 0, fetches(P0), List.of());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertThat(small.size()).isLessThanOrEqualTo(4);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static PartitionFetch fetch(TopicIdPartition p) {
        return new PartitionFetch(p, 0, 1024, 0, -1);
    }

    private static List<PartitionFetch> fetches(TopicIdPartition... ps) {
        return Arrays.stream(ps).map(FetchSessionCacheTest::fetch).toList();
    }

    private static Map<PartitionFetch, PartitionData> read(FetchContext ctx,
                                                           Function<PartitionFetch, PartitionData> f) {
        Map<PartitionFetch, PartitionData> read = new LinkedHashMap<>();
        ctx.partitions().forEach(p -> read.put(p, f.apply(p).setPartitionIndex(p.id().partition())));
        return read;
    }

    private static PartitionData data(long highWatermark, long logStart, boolean withRecords, Errors error) {
        return new PartitionData()
                .setErrorCode(error.code())
                .setHighWatermark(highWatermark)
                .setLastStableOffset(highWatermark)
                .setLogStartOffset(logStart)
                .setRecords(withRecords
                        ? MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes()))
                        : MemoryRecords.EMPTY);
    }
}
