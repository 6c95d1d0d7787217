package io.runnel.broker.replica;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One side of this broker's replication throttle (KIP-73): the leader side caps the bytes it
 * sends to replicas outside the ISR, the follower side what it fetches while outside the ISR, and
 * only for the partitions the topic configs {@code leader.replication.throttled.replicas} /
 * {@code follower.replication.throttled.replicas} name with this broker. The rate is the
 * broker's {@code leader.replication.throttled.rate} / {@code follower.replication.throttled.rate}
 * in bytes per second ({@link #UNLIMITED}, Long.MAX_VALUE, turns it off).
 *
 * <p>Accounting is a token bucket without burst, on the injected {@link Time}: credit refills at
 * the rate up to zero, each fetch's bytes are charged after it is read, and the quota is exceeded
 * while the credit is negative. One fetch may overshoot by its own size (at most
 * {@code replica.fetch.max.bytes} per partition), repaid before the next is allowed, so {@code N}
 * throttled bytes take at least {@code (N - one fetch) / rate} seconds. Kafka measures over
 * {@code replication.quota.window.num} windows instead; the long-run rate is the same. Checks and
 * charges are per fetch and partition, never per record.
 *
 * <p>Thread-safety: thread-safe. The throttled partitions are replaced whole (metadata replay
 * thread) and read without locking (fetch paths); the bucket is guarded by this object.
 */
public final class ReplicationQuota {
    /** The rate that turns the throttle off. */
    public static final long UNLIMITED = Long.MAX_VALUE;
    /** A throttled-replicas value that names every partition of the topic, on every broker. */
    private static final String ALL = "*";
    /** In a throttled-partitions set: every partition of the topic. */
    private static final int EVERY_PARTITION = -1;

    private final Time time;
    private volatile Map<String, Set<Integer>> throttled = Map.of();
    private long bytesPerSecond = UNLIMITED;
    /** Credit in bytes: zero when idle, negative while a fetch's overshoot is being repaid. */
    private double credit;
    private long refilledAtMs;

    public ReplicationQuota(Time time) {
        this.time = time;
        this.refilledAtMs = time.milliseconds();
    }

    /**
     * The partitions of a throttled-replicas config value that name {@code brokerId}: entries are
     * {@code partition:broker} separated by commas, or {@code *} for every partition. Empty for an
     * empty or null value; entries that do not parse are ignored (the controller validated them).
     */
    public static Set<Integer> throttledPartitions(String value, int brokerId) {
        Set<Integer> partitions = new HashSet<>();
        if (value == null || value.isBlank()) {
            return partitions;
        }
        if (value.trim().equals(ALL)) {
            partitions.add(EVERY_PARTITION);
            return partitions;
        }
        for (String entry : value.split(",")) {
            String[] parts = entry.trim().split(":");
            try {
                if (parts.length == 2 && Integer.parseInt(parts[1].trim()) == brokerId) {
                    partitions.add(Integer.parseInt(parts[0].trim()));
                }
            } catch (NumberFormatException e) {
                // not ours to judge: such a value never passes the controller's validation
            }
        }
        return partitions;
    }

    /** Replaces the throttled partitions: topic to partition ids (as {@link #throttledPartitions} gives them). */
    public void updateThrottled(Map<String, Set<Integer>> partitionsByTopic) {
        throttled = Map.copyOf(partitionsByTopic);
    }

    public boolean isThrottled(TopicPartition tp) {
        Set<Integer> partitions = throttled.get(tp.topic());
        return partitions != null && (partitions.contains(tp.partition()) || partitions.contains(EVERY_PARTITION));
    }

    /** Sets the rate in bytes per second; {@link #UNLIMITED} turns the throttle off and forgives any debt. */
    public synchronized void updateRate(long bytesPerSecond) {
        refill();
        this.bytesPerSecond = bytesPerSecond;
        if (bytesPerSecond == UNLIMITED) {
            credit = 0;
        }
    }

    /** True while throttled partitions must wait: the bytes already sent exceed what the rate allowed. */
    public synchronized boolean isExceeded() {
        refill();
        return credit < 0;
    }

    /** Milliseconds until {@link #isExceeded} turns false (0 if it is already). */
    public synchronized long throttleTimeMs() {
        refill();
        return credit < 0 ? (long) Math.ceil(-credit * 1000 / bytesPerSecond) : 0;
    }

    /** Charges {@code bytes} sent or fetched for throttled partitions. */
    public synchronized void record(long bytes) {
        if (bytesPerSecond != UNLIMITED && bytes > 0) {
            refill();
            credit -= bytes;
        }
    }

    private void refill() {
        long now = time.milliseconds();
        if (now > refilledAtMs && bytesPerSecond != UNLIMITED) {
            credit = Math.min(0, credit + (double) bytesPerSecond * (now - refilledAtMs) / 1000);
        }
        refilledAtMs = now;
    }
}
