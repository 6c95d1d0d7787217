package io.runnel.broker.txn;

import io.runnel.coordinator.txn.TransactionMarkerWriter;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarker;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarkerTopic;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The broker's {@link TransactionMarkerWriter} (Kafka's {@code TransactionMarkerChannelManager}):
 * groups a transaction's partitions by their current leader in the metadata image; partitions
 * this broker leads get their marker directly ({@link MarkerAppender}), the others through one
 * WriteTxnMarkers request per leader ({@link InterBrokerSender}).
 *
 * <p>Retries: a partition answered NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION,
 * NOT_ENOUGH_REPLICAS(_AFTER_APPEND), REQUEST_TIMED_OUT, a storage error, a network failure, or
 * without a leader is tried again after a backoff (100 ms doubling to 1 s), each time with the
 * leader the metadata then names. A partition whose topic is gone from the metadata counts as
 * done (Kafka skips it too). INVALID_PRODUCER_EPOCH or TRANSACTION_COORDINATOR_FENCED fail the
 * whole write: a newer producer or coordinator owns the transaction. The write stops, failing,
 * when this writer closes.
 *
 * <p>Thread-safety: safe for concurrent use; never blocks its caller. Attempts run on one daemon
 * thread, {@code txn-marker-writer} (local appends included); answers arrive on the threads that
 * complete them (purgatory, sender) and only record results there.
 */
public final class BrokerMarkerWriter implements TransactionMarkerWriter, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerMarkerWriter.class);
    private static final long INITIAL_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 1_000;

    private final int localBrokerId;
    private final Supplier<MetadataImage> image;
    private final MarkerAppender local;
    private final InterBrokerSender sender;
    private final ScheduledExecutorService retries;
    private final Set<CompletableFuture<Void>> inFlight = ConcurrentHashMap.newKeySet();

    /**
     * @param image the metadata image the broker answers from now (leaders, deleted topics)
     * @param local writes markers to partitions this broker leads
     */
    public BrokerMarkerWriter(int localBrokerId, Supplier<MetadataImage> image, MarkerAppender local,
                              InterBrokerSender sender) {
        this.localBrokerId = localBrokerId;
        this.image = image;
        this.local = local;
        this.sender = sender;
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "txn-marker-writer");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public CompletableFuture<Void> writeMarkers(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch,
                                                Collection<TopicPartition> partitions) {
        Write write = new Write(producerId, producerEpoch, commit, coordinatorEpoch, new HashSet<>(partitions));
        inFlight.add(write.done);
        write.done.whenComplete((ok, e) -> inFlight.remove(write.done));
        write.retry(0); // off the caller's thread: local appends touch the disk
        return write.done;
    }

    @Override
    public void close() {
        retries.shutdownNow();
        inFlight.forEach(f -> f.completeExceptionally(new IllegalStateException("the broker is shutting down")));
    }

    /** One transaction's markers; {@code pending} is touched by one attempt at a time. */
    private final class Write {
        final long producerId;
        final short producerEpoch;
        final boolean commit;
        final int coordinatorEpoch;
        final Set<TopicPartition> pending;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Write(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch, Set<TopicPartition> pending) {
            this.producerId = producerId;
            this.producerEpoch = producerEpoch;
            this.commit = commit;
            this.coordinatorEpoch = coordinatorEpoch;
            this.pending = pending;
        }

        void attempt(long backoffMs) {
            if (done.isDone()) {
                return;
            }
            MetadataImage current = image.get();
            Map<Integer, List<TopicPartition>> byLeader = new HashMap<>();
            List<TopicPartition> gone = new ArrayList<>();
            for (TopicPartition tp : pending) {
                TopicImage topic = current.topicsByName().get(tp.topic());
                PartitionRegistration registration = topic == null ? null : topic.partitions().get(tp.partition());
                if (registration == null) {
                    gone.add(tp);
                } else if (registration.leader() >= 0) {
                    byLeader.computeIfAbsent(registration.leader(), id -> new ArrayList<>()).add(tp);
                }
            }
            gone.forEach(pending::remove);
            if (pending.isEmpty()) {
                done.complete(null);
                return;
            }
            List<CompletableFuture<Map<TopicPartition, Errors>>> answers = new ArrayList<>();
            byLeader.forEach((leader, tps) -> answers.add(leader == localBrokerId ? writeLocally(tps) : send(leader, tps)));
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).whenComplete((ok, e) -> {
                for (CompletableFuture<Map<TopicPartition, Errors>> answer : answers) {
                    // A failed answer leaves its partitions pending (retried); none is expected.
                    answer.exceptionally(failure -> Map.of()).join().forEach(this::onAnswer);
                }
                if (done.isDone()) {
                    return;
                }
                if (pending.isEmpty()) {
                    done.complete(null);
                } else {
                    retry(backoffMs);
                }
            });
        }

        private void onAnswer(TopicPartition tp, Errors error) {
            switch (error) {
                case NONE -> pending.remove(tp);
                case INVALID_PRODUCER_EPOCH -> done.completeExceptionally(new InvalidProducerEpochException(
                        "a newer epoch of producer " + producerId + " fenced its markers on " + tp));
                case TRANSACTION_COORDINATOR_FENCED -> done.completeExceptionally(new TransactionCoordinatorFencedException(
                        "coordinator epoch " + coordinatorEpoch + " is fenced on " + tp));
                default -> log.debug("Marker of producer {} for {} answered {}; retrying", producerId, tp, error);
            }
        }

        /** Attempts again after {@code backoffMs} (0: at once), on the writer's thread. */
        void retry(long backoffMs) {
            long next = Math.min(MAX_BACKOFF_MS, Math.max(INITIAL_BACKOFF_MS, backoffMs * 2));
            try {
                retries.schedule(() -> attempt(next), backoffMs, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                done.completeExceptionally(new IllegalStateException("the broker is shutting down"));
            }
        }

        private CompletableFuture<Map<TopicPartition, Errors>> writeLocally(List<TopicPartition> tps) {
            Map<TopicPartition, Errors> result = new ConcurrentHashMap<>();
            CompletableFuture<?>[] each = new CompletableFuture<?>[tps.size()];
            for (int i = 0; i < each.length; i++) {
                TopicPartition tp = tps.get(i);
                try {
                    each[i] = local.write(tp, producerId, producerEpoch, commit, coordinatorEpoch)
                            .thenAccept(error -> result.put(tp, error));
                } catch (RuntimeException e) {
                    log.error("Writing the marker of producer {} to {} failed; retrying", producerId, tp, e);
                    each[i] = CompletableFuture.completedFuture(null);
                }
            }
            return CompletableFuture.allOf(each).thenApply(ok -> result);
        }

        private CompletableFuture<Map<TopicPartition, Errors>> send(int leader, List<TopicPartition> tps) {
            Map<String, WritableTxnMarkerTopic> topics = new HashMap<>();
            for (TopicPartition tp : tps) {
                topics.computeIfAbsent(tp.topic(), name -> new WritableTxnMarkerTopic().setName(name))
                        .partitionIndexes().add(tp.partition());
            }
            WriteTxnMarkersRequestData data = new WriteTxnMarkersRequestData().setMarkers(List.of(new WritableTxnMarker()
                    .setProducerId(producerId).setProducerEpoch(producerEpoch).setTransactionResult(commit)
                    .setCoordinatorEpoch(coordinatorEpoch).setTopics(new ArrayList<>(topics.values()))));
            WriteTxnMarkersRequest request = new WriteTxnMarkersRequest.Builder(data).build();
            return sender.send(leader, request).handle((response, e) -> {
                Map<TopicPartition, Errors> result = new HashMap<>();
                if (e != null) {
                    log.debug("WriteTxnMarkers to broker {} failed: {}", leader, e.toString());
                    return result; // every partition stays pending
                }
                for (WriteTxnMarkersResponseData.WritableTxnMarkerResult marker
                        : ((WriteTxnMarkersResponse) response).data().markers()) {
                    marker.topics().forEach(topic -> topic.partitions().forEach(p -> result.put(
                            new TopicPartition(topic.name(), p.partitionIndex()), Errors.forCode(p.errorCode()))));
                }
                return result;
            });
        }
    }
}
