package io.runnel.it.chaos;

import io.runnel.it.harness.ClusterNode;
import io.runnel.it.harness.ClusterProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The fault schedule, run on its own thread for {@code runFor}: every 3-6 s it picks a random
 * node and a random {@link Fault}, holds the fault 1-4 s, undoes it, then waits until
 * {@code awaitHealthy} holds (the node is back and every ISR is full) before the next pause, so
 * never more than one node is faulty at a time. Every draw comes from one seeded {@link Random}:
 * a seed replays the same sequence of nodes, faults and durations (not the same interleaving).
 *
 * <p>Thread-safety: while it runs, this thread is the only one driving {@code cluster}; the
 * results ({@link #counts}, {@link #lastFaultEndNanos}, {@link #failure}) are read after
 * {@link Thread#join}.
 */
final class FaultInjector implements Runnable {
    private static final int LOG_TAIL_LINES = 40;

    private final ClusterProcess cluster;
    private final Random random;
    private final Duration runFor;
    private final Runnable awaitHealthy;
    private final Map<Fault, Integer> counts = new EnumMap<>(Fault.class);
    private volatile long lastFaultEndNanos;
    private volatile int uncleanStops;
    private volatile Throwable failure;

    FaultInjector(ClusterProcess cluster, Random random, Duration runFor, Runnable awaitHealthy) {
        this.cluster = cluster;
        this.random = random;
        this.runFor = runFor;
        this.awaitHealthy = awaitHealthy;
        for (Fault fault : Fault.values()) {
            counts.put(fault, 0);
        }
    }

    @Override
    public void run() {
        long deadline = System.nanoTime() + runFor.toNanos();
        try {
            while (true) {
                long gapMs = 3_000 + random.nextInt(3_001);
                if (System.nanoTime() + gapMs * 1_000_000 >= deadline) {
                    return;
                }
                // The schedule's own wait between faults (a fault parameter, not synchronization).
                Thread.sleep(gapMs);
                ClusterNode node = cluster.node(1 + random.nextInt(cluster.nodes().size()));
                Fault fault = Fault.values()[random.nextInt(Fault.values().length)];
                long holdMs = 1_000 + random.nextInt(3_001);
                System.out.printf("%s chaos: %s on node %d for %d ms%n",
                        LocalTime.now().truncatedTo(ChronoUnit.MILLIS), fault, node.id(), holdMs);
                inject(fault, node, holdMs);
                lastFaultEndNanos = System.nanoTime();
                counts.merge(fault, 1, Integer::sum);
                awaitHealthy.run();
                System.out.printf("%s chaos: healthy again %d ms after the fault was undone%n",
                        LocalTime.now().truncatedTo(ChronoUnit.MILLIS), (System.nanoTime() - lastFaultEndNanos) / 1_000_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            failure = e;
        }
    }

    /** Inflicts {@code fault} on {@code node} for {@code holdMs}, and always undoes it. */
    private void inject(Fault fault, ClusterNode node, long holdMs) throws InterruptedException {
        switch (fault) {
            case KILL9 -> {
                node.kill9();
                try {
                    hold(holdMs);
                } finally {
                    node.restart();
                }
            }
            case PAUSE -> {
                node.pause();
                try {
                    hold(holdMs);
                } finally {
                    node.resume();
                }
            }
            case SIGTERM -> {
                int exitCode = node.stop();
                try {
                    if (exitCode != 143) {
                        // Not a data-safety property (the checker judges that); reported, not fatal.
                        uncleanStops++;
                        System.out.printf("chaos: node %d exited with %d on SIGTERM (not 143); its log ends:%n%s%n",
                                node.id(), exitCode, logTail(node));
                    }
                    hold(holdMs);
                } finally {
                    node.restart();
                }
            }
            case ISOLATE -> {
                cluster.isolate(node.id());
                try {
                    hold(holdMs);
                } finally {
                    cluster.healAll();
                }
            }
        }
    }

    /** The fault's duration: the node stays down, frozen or cut off this long (not synchronization). */
    private static void hold(long holdMs) throws InterruptedException {
        Thread.sleep(holdMs);
    }

    /** The last {@value #LOG_TAIL_LINES} lines of the node's log, for failure messages (the cluster deletes it on close). */
    private static String logTail(ClusterNode node) {
        try {
            List<String> lines = Files.readAllLines(node.logFile());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Faults injected (and undone) by kind. */
    Map<Fault, Integer> counts() {
        return new EnumMap<>(counts);
    }

    /**
     * SIGTERMs after which the process exited with another code than 143 (128 + SIGTERM), e.g.
     * {@code runnel server} halting with 1 when the broker did not close within its close timeout.
     */
    int uncleanStops() {
        return uncleanStops;
    }

    /** When the last fault was undone ({@link System#nanoTime()}), 0 if none was injected. */
    long lastFaultEndNanos() {
        return lastFaultEndNanos;
    }

    /** What stopped the schedule early (a node that would not stop or recover), or null. */
    Throwable failure() {
        return failure;
    }
}
