package io.runnel.broker.txn;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link LateTransactions#check} every {@value #CHECK_INTERVAL_MS} ms on its own daemon
 * thread ({@code late-transactions}), so late transactions are logged even when nobody reads the
 * gauge, and publishes the {@link LateTransactionsGauge}. {@link #close} stops both.
 */
public final class LateTransactionsMonitor implements AutoCloseable {
    /** How often late transactions are looked for, in ms. */
    public static final long CHECK_INTERVAL_MS = 60_000;
    private static final Logger log = LoggerFactory.getLogger(LateTransactionsMonitor.class);

    private final ScheduledExecutorService scheduler;
    private final LateTransactionsGauge gauge;

    private LateTransactionsMonitor(LateTransactions lateTransactions, int nodeId) {
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "late-transactions");
            t.setDaemon(true);
            return t;
        });
        this.gauge = LateTransactionsGauge.register(lateTransactions, nodeId);
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                lateTransactions.check();
            } catch (RuntimeException e) {
                log.error("Late transaction check failed", e);
            }
        }, CHECK_INTERVAL_MS, CHECK_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    public static LateTransactionsMonitor start(LateTransactions lateTransactions, int nodeId) {
        return new LateTransactionsMonitor(lateTransactions, nodeId);
    }

    @Override
    public void close() throws InterruptedException {
        scheduler.shutdownNow();
        gauge.close();
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
    }
}
