package io.runnel.metadata.controller;

import io.runnel.metadata.BrokerHeartbeat;
import io.runnel.metadata.BrokerHeartbeatReply;
import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.Controller;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.QuorumSettings;
import io.runnel.metadata.image.ImageBuilder;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.PartitionChangeRecord;
import io.runnel.metadata.record.ProducerIdsRecord;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The active controller: turns requests into records plus a result on one thread
 * ("runnel-controller"), appends the records and answers once they are committed.
 *
 * <p>Operations are computed against a <em>speculative image</em>: the committed image with this
 * controller's own not-yet-committed batches applied, so a request sees the effect of the ones
 * before it (two racing creations of a topic cannot both succeed). It is rebuilt from the
 * committed image when this node becomes active, and when a write fails (committed image plus
 * the writes still pending; records are idempotent, so one already replayed does no harm).
 * A result without records is answered once the writes before it have committed, so an answer
 * never reflects state that could still be lost.
 *
 * <p>Broker sessions ({@link BrokerSessions}) are checked by a timer that runs on the controller
 * thread every eighth of {@code broker.session.timeout.ms}, so an expired broker is fenced at
 * most that much late; the timer fires on wall-clock time, the expiry itself is judged on the
 * injected {@link Time}. Another timer runs {@link #balanceLeaders} every
 * {@code leader.imbalance.check.interval.seconds}.
 *
 * <p>Thread-safety: public methods may be called from any thread; all state is confined to the
 * controller thread. Futures complete on that thread (or, once closed, on the thread that
 * reports the write's outcome), so callbacks must not block.
 */
public final class QuorumController implements Controller, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QuorumController.class);
    /** Elections per kind and run of {@link #balanceLeaders} (Kafka's maxElectionsPerImbalance). */
    private static final int MAX_ELECTIONS_PER_RUN = 1000;

    private final ExecutorService thread;
    private final RecordAppender appender;
    private final Supplier<MetadataImage> committedImage;
    private final TopicCreation topicCreation;
    private final PartitionCreation partitionCreation;
    private final ConfigAlteration configAlteration;
    private final PartitionLeadership leadership;
    private final PartitionReassignments reassignments;
    private final BrokerSessions sessions;
    private final QuorumContact quorumContact;
    private final boolean autoLeaderRebalance;

    // Confined to the controller thread.
    private boolean active;
    private long activeEpoch;
    private MetadataImage speculative;
    private final Map<Long, List<MetadataRecord>> pendingWrites = new LinkedHashMap<>();
    private long nextWriteId;
    /** Completes (on the controller thread) when the latest write has committed or failed. */
    private CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);

    /** A controller that judges broker sessions by heartbeats alone (tests). */
    public QuorumController(QuorumSettings settings, RecordAppender appender, Supplier<MetadataImage> committedImage,
                            Random random, Time time) {
        this(settings, appender, committedImage, QuorumContact.NONE, random, time);
    }

    /**
     * @param appender appends batches to the metadata log
     * @param committedImage the latest replayed image (thread-safe supplier)
     * @param quorumContact which peers the Raft leader has not heard from (thread-safe)
     * @param random placement randomness (seeded in tests)
     * @param time judges broker sessions
     */
    public QuorumController(QuorumSettings settings, RecordAppender appender, Supplier<MetadataImage> committedImage,
                            QuorumContact quorumContact, Random random, Time time) {
        this.appender = appender;
        this.committedImage = committedImage;
        this.quorumContact = quorumContact;
        TopicConfigs topicConfigs = new TopicConfigs(settings.topicConfigDefaults());
        ReplicaPlacer placer = new ReplicaPlacer(random);
        this.topicCreation = new TopicCreation(settings.defaultNumPartitions(), settings.defaultReplicationFactor(),
                topicConfigs, placer);
        this.partitionCreation = new PartitionCreation(placer);
        this.configAlteration = new ConfigAlteration(topicConfigs);
        this.leadership = new PartitionLeadership(topicConfigs);
        this.reassignments = new PartitionReassignments(topicConfigs);
        this.sessions = new BrokerSessions(time, settings.brokerSessionTimeoutMs(),
                settings.voters().size() <= 1 ? settings.nodeId() : -1, leadership);
        this.autoLeaderRebalance = settings.autoLeaderRebalanceEnable();
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "runnel-controller");
            t.setDaemon(true);
            return t;
        });
        schedulePeriodically(this::checkSessions, Math.max(1, settings.brokerSessionTimeoutMs() / 8));
        schedulePeriodically(this::balanceLeaders, Math.max(1, settings.leaderImbalanceCheckIntervalMs()));
    }

    /**
     * This node became the active controller: everything committed before is in the committed image.
     *
     * @param previousLeaderId the node that led the quorum before (-1 if unknown): it was silent
     *     for at least the election timeout, which counts against its broker's session
     */
    public void becomeActive(int previousLeaderId) {
        execute(() -> {
            active = true;
            activeEpoch++;
            pendingWrites.clear();
            speculative = committedImage.get();
            sessions.activate(speculative, previousLeaderId);
            log.info("Became active controller at metadata offset {}", speculative.offset());
        });
    }

    /** This node is no longer the active controller; requests now fail with NotControllerException. */
    public void becomeInactive() {
        execute(() -> {
            if (active) {
                log.info("No longer the active controller");
            }
            active = false;
            activeEpoch++;
            pendingWrites.clear();
            speculative = null;
        });
    }

    @Override
    public CompletableFuture<CreateTopicsResponseData> createTopics(CreateTopicsRequestData request) {
        return write(image -> topicCreation.createTopics(image, request));
    }

    @Override
    public CompletableFuture<DeleteTopicsResponseData> deleteTopics(DeleteTopicsRequestData request) {
        return write(image -> TopicDeletion.deleteTopics(image, request));
    }

    @Override
    public CompletableFuture<CreatePartitionsResponseData> createPartitions(CreatePartitionsRequestData request) {
        return write(image -> partitionCreation.createPartitions(image, request));
    }

    @Override
    public CompletableFuture<AlterConfigsResponseData> alterConfigs(AlterConfigsRequestData request) {
        return write(image -> configAlteration.alterConfigs(image, request));
    }

    @Override
    public CompletableFuture<IncrementalAlterConfigsResponseData> incrementalAlterConfigs(
            IncrementalAlterConfigsRequestData request) {
        return write(image -> configAlteration.incrementalAlterConfigs(image, request));
    }

    @Override
    public CompletableFuture<Long> allocateProducerIds(int brokerId, int blockSize) {
        if (blockSize <= 0) {
            throw new IllegalArgumentException("blockSize must be positive: " + blockSize);
        }
        return write(image -> {
            long first = image.nextProducerId();
            return new ControllerResult<>(List.of(new ProducerIdsRecord(brokerId, first + blockSize)), first);
        });
    }

    @Override
    public CompletableFuture<Void> registerBroker(BrokerRegistration registration, boolean cleanShutdown) {
        return write(image -> sessions.register(image, registration, cleanShutdown)).thenCompose(error -> error == Errors.NONE
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(error.exception("Another incarnation of broker " + registration.id()
                        + " is registered and has not missed its session.")));
    }

    @Override
    public CompletableFuture<BrokerHeartbeatReply> brokerHeartbeat(BrokerHeartbeat heartbeat) {
        return write(image -> sessions.heartbeat(image, heartbeat, committedImage.get().offset()));
    }

    @Override
    public CompletableFuture<AlterPartitionResponseData> alterPartition(AlterPartitionRequestData request) {
        return write(image -> IsrAlteration.alterPartition(image, request, leadership));
    }

    @Override
    public CompletableFuture<ElectLeadersResponseData> electLeaders(ElectLeadersRequestData request) {
        return write(image -> LeaderElections.electLeaders(image, request, leadership));
    }

    @Override
    public CompletableFuture<AlterPartitionReassignmentsResponseData> alterPartitionReassignments(
            AlterPartitionReassignmentsRequestData request) {
        return write(image -> reassignments.alter(image, request));
    }

    @Override
    public CompletableFuture<ListPartitionReassignmentsResponseData> listPartitionReassignments(
            ListPartitionReassignmentsRequestData request) {
        return write(image -> PartitionReassignments.list(image, request));
    }

    /** Fences brokers whose session expired (the timer calls this; tests call it after moving the clock). */
    void checkSessions() {
        execute(() -> {
            if (active) {
                Map<Integer, Long> raftSilenceMs = quorumContact.silenceMs();
                new Request<>(image -> sessions.expire(image, raftSilenceMs)).run();
            }
        });
    }

    /**
     * Runs unclean elections for leaderless partitions of topics that allow them and, with
     * {@code auto.leader.rebalance.enable}, preferred-leader elections, each at most
     * {@value #MAX_ELECTIONS_PER_RUN} partitions per run (the timer calls this every
     * {@code leader.imbalance.check.interval.seconds}; tests call it directly).
     */
    void balanceLeaders() {
        execute(() -> {
            if (active) {
                elect(image -> leadership.uncleanElections(image, MAX_ELECTIONS_PER_RUN));
                if (autoLeaderRebalance) {
                    elect(image -> leadership.preferredLeaderElections(image, MAX_ELECTIONS_PER_RUN));
                }
            }
        });
    }

    /** Writes the changes {@code elections} computes (on the controller thread, active). */
    private void elect(Function<MetadataImage, List<PartitionChangeRecord>> elections) {
        new Request<Void>(image -> new ControllerResult<>(List.copyOf(elections.apply(image)), null)).run();
    }

    /** Runs {@code task} every {@code intervalMs} (wall clock) until the controller is closed. */
    private void schedulePeriodically(Runnable task, long intervalMs) {
        CompletableFuture.runAsync(() -> {
            if (!thread.isShutdown()) {
                task.run();
                schedulePeriodically(task, intervalMs);
            }
        }, CompletableFuture.delayedExecutor(intervalMs, TimeUnit.MILLISECONDS));
    }

    /** Stops the controller thread; queued and later calls fail with NotControllerException. */
    @Override
    public void close() {
        for (Runnable queued : thread.shutdownNow()) {
            if (queued instanceof Request<?> request) {
                request.future.completeExceptionally(notController());
            }
        }
        try {
            thread.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private <T> CompletableFuture<T> write(Function<MetadataImage, ControllerResult<T>> operation) {
        Request<T> request = new Request<>(operation);
        if (!execute(request)) {
            request.future.completeExceptionally(notController());
        }
        return request.future;
    }

    /** One queued controller call: computes its result on the controller thread and appends its records. */
    private final class Request<T> implements Runnable {
        private final Function<MetadataImage, ControllerResult<T>> operation;
        private final CompletableFuture<T> future = new CompletableFuture<>();

        Request(Function<MetadataImage, ControllerResult<T>> operation) {
            this.operation = operation;
        }

        @Override
        public void run() {
            if (!active) {
                future.completeExceptionally(notController());
                return;
            }
            ControllerResult<T> result;
            try {
                result = operation.apply(speculative);
            } catch (RuntimeException e) {
                log.error("Controller operation failed", e);
                future.completeExceptionally(e);
                return;
            }
            if (result.records().isEmpty()) {
                lastWrite.whenComplete((ignored, error) -> future.complete(result.response()));
                return;
            }
            long writeId = nextWriteId++;
            long epoch = activeEpoch;
            speculative = ImageBuilder.apply(speculative, result.records(), speculative.offset());
            pendingWrites.put(writeId, result.records());
            CompletableFuture<Void> written = new CompletableFuture<>();
            lastWrite = written;
            CompletableFuture<Long> appended;
            try {
                appended = appender.append(result.records());
            } catch (RuntimeException e) {
                appended = CompletableFuture.failedFuture(e);
            }
            appended.whenComplete((offset, error) -> {
                boolean onControllerThread = execute(() -> {
                    onWriteDone(epoch, writeId, error);
                    complete(result, error);
                    written.complete(null);
                });
                if (!onControllerThread) {
                    complete(result, error);
                    written.complete(null);
                }
            });
        }

        private void complete(ControllerResult<T> result, Throwable error) {
            if (error != null) {
                future.completeExceptionally(notController(error));
            } else {
                future.complete(result.response());
            }
        }
    }

    private void onWriteDone(long epoch, long writeId, Throwable error) {
        if (epoch != activeEpoch) {
            return;
        }
        pendingWrites.remove(writeId);
        if (error != null) {
            log.warn("Metadata write failed, rebuilding the controller's view: {}", error.toString());
            MetadataImage image = committedImage.get();
            for (List<MetadataRecord> records : pendingWrites.values()) {
                image = ImageBuilder.apply(image, records, image.offset());
            }
            speculative = image;
        }
    }

    private boolean execute(Runnable task) {
        try {
            thread.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private static NotControllerException notController() {
        return new NotControllerException("This node is not the active controller.");
    }

    private static NotControllerException notController(Throwable cause) {
        NotControllerException e = new NotControllerException("The metadata write failed: " + cause.getMessage());
        e.initCause(cause);
        return e;
    }
}
