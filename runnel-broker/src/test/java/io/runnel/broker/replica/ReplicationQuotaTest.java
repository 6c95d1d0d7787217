package io.runnel.broker.replica;

import io.runnel.testkit.ManualTime;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The KIP-73 quota: its token bucket on a manual clock, and which partitions the configs throttle. */
class ReplicationQuotaTest {
    private final ManualTime time = new ManualTime();
    private final ReplicationQuota quota = new ReplicationQuota(time);

    @Test
    void unlimitedIsNeverExceeded() {
        quota.record(Long.MAX_VALUE / 2);
        assertThat(quota.isExceeded()).isFalse();
        assertThat(quota.throttleTimeMs()).isZero();
    }

    @Test
    void aFetchOvershootIsRepaidAtTheRate() {
        quota.updateRate(1_000);
        assertThat(quota.isExceeded()).as("idle: the first fetch may go").isFalse();
        quota.record(2_500);
        assertThat(quota.isExceeded()).isTrue();
        assertThat(quota.throttleTimeMs()).isEqualTo(2_500);
        time.advance(2_000);
        assertThat(quota.isExceeded()).isTrue();
        assertThat(quota.throttleTimeMs()).isEqualTo(500);
        time.advance(500);
        assertThat(quota.isExceeded()).isFalse();
    }

    @Test
    void idleTimeBuildsNoBurst() {
        quota.updateRate(1_000);
        time.advance(60_000);
        quota.record(1);
        assertThat(quota.isExceeded()).isTrue();
    }

    @Test
    void turningTheThrottleOffForgivesTheDebt() {
        quota.updateRate(1_000);
        quota.record(1_000_000);
        quota.updateRate(ReplicationQuota.UNLIMITED);
        assertThat(quota.isExceeded()).isFalse();
    }

    /** A sender that sends one fetch whenever the quota allows moves at most rate * elapsed + one fetch. */
    @Property(tries = 200)
    void bytesSentNeverOutrunTheRateByMoreThanOneFetch(@ForAll @LongRange(min = 1, max = 10_000_000) long rate,
                                                       @ForAll @IntRange(min = 1, max = 2_000_000) int fetchBytes,
                                                       @ForAll @IntRange(min = 1, max = 500) int stepMs) {
        ManualTime clock = new ManualTime();
        ReplicationQuota q = new ReplicationQuota(clock);
        q.updateRate(rate);
        long sent = 0;
        long elapsedMs = 0;
        for (int i = 0; i < 1_000; i++) {
            if (!q.isExceeded()) {
                q.record(fetchBytes);
                sent += fetchBytes;
            }
            clock.advance(stepMs);
            elapsedMs += stepMs;
        }
        assertThat((double) sent).isLessThanOrEqualTo((double) rate * elapsedMs / 1000 + fetchBytes);
    }

    @Test
    void throttledReplicasNameThisBrokersPartitionsOrEveryPartition() {
        assertThat(ReplicationQuota.throttledPartitions("0:1,0:2,3:1, 4 : 2", 2)).containsExactlyInAnyOrder(0, 4);
        assertThat(ReplicationQuota.throttledPartitions("0:1", 3)).isEmpty();
        assertThat(ReplicationQuota.throttledPartitions("", 3)).isEmpty();
        assertThat(ReplicationQuota.throttledPartitions(null, 3)).isEmpty();

        quota.updateThrottled(Map.of("t", ReplicationQuota.throttledPartitions("0:1,2:1", 1),
                "all", ReplicationQuota.throttledPartitions("*", 1)));
        assertThat(quota.isThrottled(new TopicPartition("t", 0))).isTrue();
        assertThat(quota.isThrottled(new TopicPartition("t", 1))).isFalse();
        assertThat(quota.isThrottled(new TopicPartition("all", 7))).isTrue();
        assertThat(quota.isThrottled(new TopicPartition("other", 0))).isFalse();
        quota.updateThrottled(Map.of("t", Set.of()));
        assertThat(quota.isThrottled(new TopicPartition("t", 0))).isFalse();
    }
}
