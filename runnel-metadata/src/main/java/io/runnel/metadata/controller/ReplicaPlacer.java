package io.runnel.metadata.controller;

import io.runnel.metadata.BrokerRegistration;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Places partition replicas over brokers the way Kafka's assignment does, rack-aware when brokers
 * have racks. The brokers form a {@link BrokerRing} (rack-alternated). The leader of partition p is
 * at ring position {@code (p + start) % n}, so for any number of consecutive partitions leader
 * counts per broker differ by at most one, and leaders alternate racks. Followers are found by
 * walking the ring from {@code leader + 1 + shift}, where the shift grows by one every n partitions
 * so followers spread too; the walk skips brokers already holding a replica of the partition and
 * takes a broker only if its rack holds the fewest replicas of the partition among racks that still
 * have a free broker. Hence no rack gets a second replica before every rack has one, and a
 * partition covers {@code min(replicationFactor, racks)} racks. With a single rack (no broker has
 * one) the rack rule never skips, and this is Kafka's rack-unaware round robin.
 *
 * <p>{@code start} and the initial shift are random per call, so topics do not all lead on the same
 * broker; when a topic grows, {@code start} continues from its partition 0's leader instead, so the
 * whole topic stays balanced as long as the brokers are the same.
 *
 * <p>Not thread-safe (uses the given {@link Random}); used on the controller thread.
 */
final class ReplicaPlacer {
    private final Random random;

    ReplicaPlacer(Random random) {
        this.random = random;
    }

    /**
     * Replicas for partitions {@code existing.size() .. existing.size() + count - 1}.
     *
     * @param brokers the usable brokers; at least {@code replicationFactor} of them
     * @param existing the replicas of the topic's current partitions, by partition (empty for a new topic)
     */
    List<List<Integer>> place(List<BrokerRegistration> brokers, List<List<Integer>> existing, int count,
                              int replicationFactor) {
        BrokerRing ring = BrokerRing.of(brokers);
        int n = ring.size();
        if (replicationFactor > n || replicationFactor <= 0) {
            throw new IllegalArgumentException("Cannot place " + replicationFactor + " replicas on " + n + " brokers");
        }
        int previousStart = existing.isEmpty() ? -1 : ring.positionOf(existing.get(0).get(0));
        int start = previousStart >= 0 ? previousStart : random.nextInt(n);
        int shift = random.nextInt(n);
        int firstPartition = existing.size();
        List<List<Integer>> result = new ArrayList<>(count);
        for (int partition = firstPartition; partition < firstPartition + count; partition++) {
            if (partition > 0 && partition % n == 0) {
                shift++;
            }
            result.add(replicas(ring, (partition + start) % n, shift, replicationFactor));
        }
        return result;
    }

    private static List<Integer> replicas(BrokerRing ring, int leader, int shift, int replicationFactor) {
        int n = ring.size();
        boolean[] taken = new boolean[n];
        int[] rackReplicas = new int[ring.rackCount()];
        int[] rackFree = new int[ring.rackCount()];
        for (int position = 0; position < n; position++) {
            rackFree[ring.rack(position)]++;
        }
        List<Integer> replicas = new ArrayList<>(replicationFactor);
        take(ring, leader, taken, rackReplicas, rackFree, replicas);
        int walkStart = n == 1 ? leader : leader + 1 + shift % (n - 1);
        for (int follower = 1; follower < replicationFactor; follower++) {
            int level = fewestReplicas(rackReplicas, rackFree);
            for (int step = 0; step < n; step++) {
                int position = (walkStart + step) % n;
                if (!taken[position] && rackReplicas[ring.rack(position)] == level) {
                    take(ring, position, taken, rackReplicas, rackFree, replicas);
                    break;
                }
            }
        }
        return List.copyOf(replicas);
    }

    private static void take(BrokerRing ring, int position, boolean[] taken, int[] rackReplicas, int[] rackFree,
                             List<Integer> replicas) {
        taken[position] = true;
        rackReplicas[ring.rack(position)]++;
        rackFree[ring.rack(position)]--;
        replicas.add(ring.broker(position));
    }

    /** The fewest replicas held by a rack that still has a broker without one. */
    private static int fewestReplicas(int[] rackReplicas, int[] rackFree) {
        int fewest = Integer.MAX_VALUE;
        for (int rack = 0; rack < rackReplicas.length; rack++) {
            if (rackFree[rack] > 0) {
                fewest = Math.min(fewest, rackReplicas[rack]);
            }
        }
        return fewest;
    }
}
