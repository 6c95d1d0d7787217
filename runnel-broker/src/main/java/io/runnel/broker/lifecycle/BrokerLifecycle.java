package io.runnel.broker.lifecycle;

import io.runnel.broker.replica.FailedReplicas;
import io.runnel.metadata.BrokerHeartbeat;
import io.runnel.metadata.BrokerHeartbeatReply;
import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.StartupException;
import org.apache.kafka.common.errors.DuplicateBrokerRegistrationException;
import org.apache.kafka.common.errors.InconsistentClusterIdException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Keeps this broker registered and unfenced (Kafka's BrokerLifecycleManager): registers, then
 * heartbeats the controller every {@code broker.heartbeat.interval.ms} (every
 * {@value #FENCED_RETRY_MS} ms while still fenced, so startup does not wait a whole interval).
 * A refused or failed call is retried after an interval: a registration refused because the
 * previous process of this node id still holds its session succeeds once that session expires;
 * a heartbeat answered STALE_BROKER_EPOCH (the controller lost the registration) registers again.
 * Refused as a duplicate for longer than {@code nodeIdClashMs} (a dead predecessor's session has
 * expired by then), the node id belongs to another running process; refused that long because
 * the voters run another cluster (INCONSISTENT_CLUSTER_ID: another cluster's data dir, or voters
 * listed differently), this node is in the wrong cluster. Either way {@link #start}'s future
 * fails with a {@link StartupException} saying so, and registering stops.
 * On {@link #close} the heartbeats stop and one last heartbeat asks the controller to fence the
 * broker at once, so a restart need not wait for the session to expire.
 *
 * <p>Thread-safety: one thread ("runnel-broker-lifecycle") does all the work; at most one call to
 * the controller is in flight. Public methods may be called from any thread.
 */
public final class BrokerLifecycle implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerLifecycle.class);
    private static final long FENCED_RETRY_MS = 100;
    private static final long SHUTDOWN_WAIT_MS = 5_000;

    private final ControllerChannel controller;
    private final BrokerRegistration registration;
    private final LongSupplier metadataOffset;
    private final FailedReplicas failedReplicas;
    private final long heartbeatIntervalMs;
    private final long nodeIdClashMs;
    /** When the current run of duplicate refusals began (System.nanoTime()), or -1; lifecycle thread only. */
    private long refusedSinceNs = -1;
    private final ScheduledExecutorService thread;
    private final CompletableFuture<Void> unfenced = new CompletableFuture<>();
    /** Set once registered; read by {@link #close} after the thread stopped. */
    private volatile boolean registered;

    /**
     * @param metadataOffset the offset of the last metadata record this broker replayed
     * @param failedReplicas replicas whose log failed a write: each heartbeat reports those pending
     * @param heartbeatIntervalMs {@code broker.heartbeat.interval.ms}
     * @param nodeIdClashMs how long registrations may be refused as duplicates before the node id
     *     counts as taken by another live process (a few session timeouts)
     */
    public BrokerLifecycle(ControllerChannel controller, BrokerRegistration registration, LongSupplier metadataOffset,
                           FailedReplicas failedReplicas, long heartbeatIntervalMs, long nodeIdClashMs) {
        this.controller = controller;
        this.registration = registration;
        this.metadataOffset = metadataOffset;
        this.failedReplicas = failedReplicas;
        this.heartbeatIntervalMs = heartbeatIntervalMs;
        this.nodeIdClashMs = nodeIdClashMs;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "runnel-broker-lifecycle");
            t.setDaemon(true);
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.thread = executor;
    }

    /** Starts registering and heartbeating; the future completes once the controller has unfenced this broker. */
    public CompletableFuture<Void> start() {
        schedule(this::register, 0);
        return unfenced;
    }

    private void register() {
        controller.register(registration).whenComplete((ignored, error) -> {
            if (error != null && cause(error, DuplicateBrokerRegistrationException.class) && clashOutlasted()) {
                unfenced.completeExceptionally(new StartupException("node.id " + registration.id()
                        + " is in use by another running broker (still registered after " + nodeIdClashMs
                        + " ms of retries); give this node a node.id of its own"));
            } else if (error != null && cause(error, InconsistentClusterIdException.class) && clashOutlasted()) {
                unfenced.completeExceptionally(new StartupException("the voters in controller.quorum.voters belong "
                        + "to another cluster than this node's log dirs (cluster.id in meta.properties): "
                        + "a data dir of another cluster, or voters given differently on other nodes"));
            } else if (error != null) {
                if (!cause(error, DuplicateBrokerRegistrationException.class)
                        && !cause(error, InconsistentClusterIdException.class)) {
                    refusedSinceNs = -1; // only an unbroken run of refusals counts
                }
                log.warn("Broker registration failed, retrying in {} ms: {}", heartbeatIntervalMs, error.toString());
                schedule(this::register, heartbeatIntervalMs);
            } else {
                refusedSinceNs = -1;
                registered = true;
                schedule(this::heartbeat, 0);
            }
        });
    }

    private void heartbeat() {
        BrokerHeartbeat heartbeat = heartbeat(false);
        controller.heartbeat(heartbeat).whenComplete((reply, error) -> {
            if (error != null) {
                log.warn("Broker heartbeat failed: {}", error.toString());
                schedule(this::heartbeat, heartbeatIntervalMs);
            } else if (reply.error() != Errors.NONE) {
                log.warn("Broker heartbeat refused with {}, registering again", reply.error());
                registered = false;
                schedule(this::register, 0);
            } else if (reply.fenced()) {
                failedReplicas.reported(heartbeat.failedReplicas());
                schedule(this::heartbeat, Math.min(FENCED_RETRY_MS, heartbeatIntervalMs));
            } else {
                failedReplicas.reported(heartbeat.failedReplicas());
                if (unfenced.complete(null)) {
                    log.info("Broker {} is unfenced", registration.id());
                }
                schedule(this::heartbeat, heartbeatIntervalMs);
            }
        });
    }

    private static boolean cause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (type.isInstance(e)) {
                return true;
            }
        }
        return false;
    }

    /** Whether refusals (a taken node id, another cluster) have gone on for longer than {@code nodeIdClashMs}. */
    private boolean clashOutlasted() {
        long now = System.nanoTime();
        if (refusedSinceNs < 0) {
            refusedSinceNs = now;
        }
        return now - refusedSinceNs > TimeUnit.MILLISECONDS.toNanos(nodeIdClashMs);
    }

    private BrokerHeartbeat heartbeat(boolean shutDown) {
        return new BrokerHeartbeat(registration.id(), registration.incarnationId(), metadataOffset.getAsLong(),
                false, shutDown, failedReplicas.pending());
    }

    private void schedule(Runnable task, long delayMs) {
        try {
            thread.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closed: no more calls.
        }
    }

    /** Stops heartbeating and asks the controller to fence this broker (waiting up to 5 s for it). */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(SHUTDOWN_WAIT_MS, TimeUnit.MILLISECONDS);
            unfenced.completeExceptionally(new IllegalStateException("Broker lifecycle closed"));
            if (registered) {
                BrokerHeartbeatReply reply = controller.heartbeat(heartbeat(true))
                        .get(SHUTDOWN_WAIT_MS, TimeUnit.MILLISECONDS);
                log.info("Broker {} fenced for shutdown ({})", registration.id(), reply);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Could not tell the controller that broker {} is stopping: {}", registration.id(), e.toString());
        }
    }
}
