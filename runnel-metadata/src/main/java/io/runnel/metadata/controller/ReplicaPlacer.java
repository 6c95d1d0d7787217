package io.runnel.metadata.controller;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Places partition replicas over brokers the way Kafka's rack-unaware assignment does: the first
 * replica of partition p goes to broker {@code (p + startIndex) % n}, followers follow at a shift
 * that grows by one every n partitions, so leaders and followers spread evenly. {@code startIndex}
 * and the initial shift are random per call, so topics do not all lead on the same broker.
 *
 * <p>Not thread-safe (uses the given {@link Random}); used on the controller thread.
 */
final class ReplicaPlacer {
    private final Random random;

    ReplicaPlacer(Random random) {
        this.random = random;
    }

    /**
     * Replicas for partitions {@code firstPartition .. firstPartition + count - 1}.
     *
     * @param brokers the usable broker ids, sorted; at least {@code replicationFactor} of them
     */
    List<List<Integer>> place(List<Integer> brokers, int firstPartition, int count, int replicationFactor) {
        int n = brokers.size();
        if (replicationFactor > n || replicationFactor <= 0) {
            throw new IllegalArgumentException("Cannot place " + replicationFactor + " replicas on " + n + " brokers");
        }
        int startIndex = random.nextInt(n);
        int shift = random.nextInt(n);
        List<List<Integer>> result = new ArrayList<>(count);
        for (int partition = firstPartition; partition < firstPartition + count; partition++) {
            if (partition > 0 && partition % n == 0) {
                shift++;
            }
            int first = (partition + startIndex) % n;
            List<Integer> replicas = new ArrayList<>(replicationFactor);
            replicas.add(brokers.get(first));
            for (int j = 0; j < replicationFactor - 1; j++) {
                int offset = 1 + (shift + j) % (n - 1);
                replicas.add(brokers.get((first + offset) % n));
            }
            result.add(List.copyOf(replicas));
        }
        return result;
    }
}
