package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.broker.purgatory.Purgatory;
import io.runnel.broker.replica.Partition;
import io.runnel.broker.replica.ReplicaManager;
import io.runnel.broker.txn.TransactionVerifier;
import io.runnel.broker.txn.VerificationMode;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import io.runnel.storage.AppendInfo;
import io.runnel.storage.VerificationGuard;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Produce v3-v13.
 * <ul>
 *   <li>acks 0 (no response), 1 (after the leader's append), -1 (after the ISR has it: the answer
 *       waits in the produce purgatory until the high watermark passes the batch, at most the
 *       request's timeoutMs, then REQUEST_TIMED_OUT; the ISR must have at least
 *       min.insync.replicas members before the append or the answer is NOT_ENOUGH_REPLICAS, and
 *       NOT_ENOUGH_REPLICAS_AFTER_APPEND when it shrank below that while waiting).
 *       Any other value is INVALID_REQUIRED_ACKS.</li>
 *   <li>v5+: the partition's log start offset in the answer; v8+: error messages.</li>
 *   <li>v10+: NOT_LEADER_OR_FOLLOWER (whenever it arises: before the append, or while acks=all
 *       waits) carries the partition's current leader and epoch from the metadata, and the
 *       response the endpoints of those leaders on the request's listener (KIP-951), so the
 *       client moves without a metadata request. A partition this broker holds no replica of is
 *       NOT_LEADER_OR_FOLLOWER when the metadata knows it.</li>
 *   <li>v13+: topics are named by id (UNKNOWN_TOPIC_ID when unknown).</li>
 *   <li>A log that must fsync (flush.messages) is acknowledged after the group-commit fsync.</li>
 *   <li>Transactional batches (KIP-890): when the producer has no ongoing transaction in a
 *       partition, the partition's verification guard is taken and the transaction coordinator
 *       asked (without blocking this thread) whether the partition is in the transaction
 *       (v3-11, with {@code transaction.partition.verification.enable}) or to add it (v12+,
 *       transaction version 2 clients, which send no AddPartitionsToTxn); the batch is then
 *       appended with the guard. A partition that fails gets the {@link TransactionVerifier}'s
 *       error: INVALID_TXN_STATE when not in the transaction, TRANSACTION_ABORTABLE (v11+),
 *       INVALID_PRODUCER_EPOCH when fenced, NOT_ENOUGH_REPLICAS (retried) when the coordinator
 *       cannot answer now.</li>
 * </ul>
 * Batches are appended as received: validated by header and CRC, never decompressed.
 */
public final class ProduceHandler implements ApiHandler<ProduceRequestData> {
    private static final CompletableFuture<Void> APPENDED = CompletableFuture.completedFuture(null);
    private final int localBrokerId;
    private final ReplicaManager replicas;
    private final Purgatory<TopicPartition> fetchPurgatory;
    private final Purgatory<TopicPartition> producePurgatory;
    private final TransactionVerifier verifier;
    private final boolean verificationEnabled;
    /** Per transactional producer: completes once its request waiting for verification has appended. */
    private final ConcurrentHashMap<Long, CompletableFuture<Void>> appending = new ConcurrentHashMap<>();

    /**
     * @param fetchPurgatory told of every append (parked follower and consumer fetches)
     * @param producePurgatory where acks=all produces wait for the high watermark
     * @param verificationEnabled {@code transaction.partition.verification.enable}
     */
    public ProduceHandler(int localBrokerId, ReplicaManager replicas, Purgatory<TopicPartition> fetchPurgatory,
                          Purgatory<TopicPartition> producePurgatory, TransactionVerifier verifier,
                          boolean verificationEnabled) {
        this.localBrokerId = localBrokerId;
        this.replicas = replicas;
        this.fetchPurgatory = fetchPurgatory;
        this.producePurgatory = producePurgatory;
        this.verifier = verifier;
        this.verificationEnabled = verificationEnabled;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.PRODUCE;
    }

    /**
     * Keeps a transactional producer's requests in order while one of them waits for its
     * coordinator: the network layer dispatches a connection's requests without waiting for
     * earlier ones (Kafka handles one at a time), so a later request of the same transaction,
     * verified or appended first, would hit the log before the batches it follows (an
     * OutOfOrderSequenceException). Later requests of that producer wait until the waiting one
     * has appended; producers with nothing waiting go straight through.
     */
    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ProduceRequestData request) {
        long producerId = request.transactionalId() == null ? -1 : producerIdOf(request);
        if (producerId < 0) {
            return process(context, request).response();
        }
        CompletableFuture<Void> ahead = appending.get(producerId);
        if (ahead == null) {
            Handled handled = process(context, request);
            if (!handled.appended().isDone()) {
                waitBehind(producerId, handled.appended());
            }
            return handled.response();
        }
        CompletableFuture<Void> appended = new CompletableFuture<>();
        waitBehind(producerId, appended);
        return ahead.handle((ok, e) -> null).thenCompose(ignored -> {
            Handled handled = process(context, request);
            handled.appended().whenComplete((ok, e) -> appended.complete(null));
            return handled.response();
        });
    }

    private void waitBehind(long producerId, CompletableFuture<Void> appended) {
        appending.put(producerId, appended);
        appended.whenComplete((ok, e) -> appending.remove(producerId, appended));
    }

    /** The producer id of the request's first batch, or -1. */
    private static long producerIdOf(ProduceRequestData request) {
        for (TopicProduceData topicData : request.topicData()) {
            for (PartitionProduceData data : topicData.partitionData()) {
                Iterator<? extends RecordBatch> batches = ((MemoryRecords) data.records()).batches().iterator();
                if (batches.hasNext()) {
                    return batches.next().producerId();
                }
            }
        }
        return -1;
    }

    /** A request being handled: its appends happened when {@code appended} completes; its answer is {@code response}. */
    private record Handled(CompletableFuture<Void> appended, CompletableFuture<ApiMessage> response) {
    }

    private Handled process(RequestContext context, ProduceRequestData request) {
        short version = context.header().apiVersion();
        short acks = request.acks();
        MetadataImage image = replicas.image();
        ProduceResponseData response = new ProduceResponseData();
        Appends appends = new Appends(acks, new ArrayList<>(0), new ArrayList<>(acks == -1 ? request.topicData().size() : 0));
        VerificationMode mode = VerificationMode.forProduce(version);
        boolean verify = request.transactionalId() != null && (verificationEnabled || mode.adds());
        List<Unverified> unverified = new ArrayList<>(0);
        for (TopicProduceData topicData : request.topicData()) {
            String topic = version >= 13 ? nameOf(image, topicData.topicId()) : topicData.name();
            TopicProduceResponse topicResponse = new TopicProduceResponse()
                    .setName(topicData.name()).setTopicId(topicData.topicId());
            response.responses().add(topicResponse);
            for (PartitionProduceData data : topicData.partitionData()) {
                PartitionProduceResponse out = new PartitionProduceResponse().setIndex(data.index());
                topicResponse.partitionResponses().add(out);
                if (acks != 0 && acks != 1 && acks != -1) {
                    fail(out, Errors.INVALID_REQUIRED_ACKS, null);
                } else if (topic == null) {
                    fail(out, version >= 13 ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
                } else {
                    Partition partition = leader(new TopicPartition(topic, data.index()), data, out);
                    // Only transactional requests are looked into: a plain produce never iterates its batches here.
                    RecordBatch first = partition == null || !verify ? null
                            : firstTransactionalBatch((MemoryRecords) data.records());
                    if (first != null && beginsTransaction(partition, first, mode)) {
                        unverified.add(new Unverified(partition, (MemoryRecords) data.records(), out, first,
                                partition.log().verificationGuard(first.producerId())));
                    } else if (partition != null) {
                        append(partition, (MemoryRecords) data.records(), null, out, appends);
                    }
                }
            }
        }
        if (unverified.isEmpty()) {
            return new Handled(APPENDED, finish(request, context, response, appends));
        }
        RecordBatch batch = unverified.get(0).first();
        List<TopicPartition> partitions = new ArrayList<>(unverified.size());
        unverified.forEach(u -> partitions.add(u.partition().topicPartition()));
        CompletableFuture<Void> verifiedAppends = verifier.verify(request.transactionalId(), batch.producerId(),
                batch.producerEpoch(), partitions, mode).thenAccept(errors -> {
                    for (Unverified u : unverified) {
                        Errors error = errors.get(u.partition().topicPartition());
                        if (error == null) {
                            appendVerified(u, appends);
                        } else {
                            fail(u.out(), error, error == Errors.INVALID_TXN_STATE
                                    ? "Partition was not added to the transaction" : null);
                        }
                    }
                });
        return new Handled(verifiedAppends, verifiedAppends.thenCompose(ignored -> finish(request, context, response, appends)));
    }

    /**
     * Whether {@code first} may begin a transaction of its producer here, so the coordinator must
     * confirm the partition first: the producer has no ongoing transaction in the partition or,
     * for transaction version 2 (where every transaction has a new epoch and starts its sequences
     * at 0), the batch is the first of its epoch while the previous transaction's marker has not
     * reached the partition yet (Kafka checks the epoch of the ongoing transaction); appended
     * unverified, it would join the previous transaction and share its outcome.
     */
    private static boolean beginsTransaction(Partition partition, RecordBatch first, VerificationMode mode) {
        return !partition.log().hasOngoingTransaction(first.producerId())
                || mode.adds() && first.baseSequence() == 0;
    }

    /**
     * Appends a verified write with its guard. The log refuses it (INVALID_TXN_STATE) when a marker
     * of the producer cleared the guard meanwhile: its transaction was aborted, or (transaction
     * version 2) its previous transaction's marker arrived during the verification. The producer
     * is told to retry (NOT_ENOUGH_REPLICAS); the retry is verified again and then fails for good
     * in the first case, succeeds in the second.
     */
    private void appendVerified(Unverified u, Appends appends) {
        append(u.partition(), u.records(), u.guard(), u.out(), appends);
        if (u.out().errorCode() == Errors.INVALID_TXN_STATE.code()) {
            fail(u.out(), Errors.NOT_ENOUGH_REPLICAS, "a marker of the producer arrived during verification; retry");
        }
    }

    /** The appends of one request: fsyncs to wait for, and acks=all partitions waiting for the ISR. */
    private record Appends(short acks, List<CompletableFuture<Void>> flushes, List<DelayedProduce.Waiting> waiting) {
    }

    /** A transactional write that begins a transaction in its partition, held until the coordinator verifies it. */
    private record Unverified(Partition partition, MemoryRecords records, PartitionProduceResponse out,
                              RecordBatch first, VerificationGuard guard) {
    }

    private CompletableFuture<ApiMessage> finish(ProduceRequestData request, RequestContext context,
                                                 ProduceResponseData response, Appends appends) {
        if (appends.acks() == 0) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Void>> flushes = appends.flushes();
        List<DelayedProduce.Waiting> waiting = appends.waiting();
        if (!waiting.isEmpty()) {
            CompletableFuture<Void> replicated = new CompletableFuture<>();
            List<TopicPartition> keys = new ArrayList<>(waiting.size());
            waiting.forEach(w -> keys.add(w.partition().topicPartition()));
            producePurgatory.tryCompleteElseWatch(new DelayedProduce(request.timeoutMs(), waiting, replicated), keys);
            if (!replicated.isDone()) { // done at once when the ISR is the leader alone
                flushes.add(replicated);
            }
        }
        if (flushes.isEmpty()) {
            return CompletableFuture.completedFuture(withLeaderHints(response, context));
        }
        return CompletableFuture.allOf(flushes.toArray(CompletableFuture[]::new))
                .handle((ok, e) -> {
                    if (e != null) {
                        Errors error = ErrorMapping.toError(e, "produce flush");
                        response.responses().forEach(t -> t.partitionResponses().forEach(p -> {
                            if (p.errorCode() == Errors.NONE.code()) {
                                fail(p.setBaseOffset(-1), error, null);
                            }
                        }));
                    }
                    return withLeaderHints(response, context);
                });
    }

    /**
     * KIP-951 (v10+): each NOT_LEADER_OR_FOLLOWER partition gets its current leader and epoch, and
     * the response the endpoints of those leaders, from the metadata as it is when the answer goes.
     */
    private ProduceResponseData withLeaderHints(ProduceResponseData response, RequestContext context) {
        if (context.header().apiVersion() < 10) {
            return response;
        }
        MetadataImage image = replicas.image();
        Set<Integer> leaders = new TreeSet<>();
        for (TopicProduceResponse topic : response.responses()) {
            String name = context.header().apiVersion() >= 13 ? nameOf(image, topic.topicId()) : topic.name();
            for (PartitionProduceResponse p : topic.partitionResponses()) {
                PartitionRegistration registration = p.errorCode() != Errors.NOT_LEADER_OR_FOLLOWER.code() || name == null
                        ? null : replicas.registration(new TopicPartition(name, p.index())).orElse(null);
                if (registration != null) {
                    p.currentLeader().setLeaderId(registration.leader()).setLeaderEpoch(registration.leaderEpoch());
                    if (registration.leader() >= 0 && registration.leader() != localBrokerId) {
                        leaders.add(registration.leader());
                    }
                }
            }
        }
        for (int leader : leaders) {
            Endpoints.of(image, leader, context.listenerName()).ifPresent(e -> response.nodeEndpoints().add(
                    new ProduceResponseData.NodeEndpoint().setNodeId(leader).setHost(e.host()).setPort(e.port())
                            .setRack(image.brokers().get(leader).rack())));
        }
        return response;
    }

    /** The partition if this broker leads it and the data is a record batch; else null, {@code out} failed. */
    private Partition leader(TopicPartition tp, PartitionProduceData data, PartitionProduceResponse out) {
        Partition partition = replicas.partition(tp).orElse(null);
        if (partition == null) {
            fail(out, replicas.registration(tp).isPresent() ? Errors.NOT_LEADER_OR_FOLLOWER
                    : Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
            return null;
        }
        if (!partition.isLeader()) {
            fail(out, Errors.NOT_LEADER_OR_FOLLOWER, null);
            return null;
        }
        if (!(data.records() instanceof MemoryRecords)) {
            fail(out, Errors.CORRUPT_MESSAGE, "no record batch");
            return null;
        }
        return partition;
    }

    /** The first batch if it is transactional (a producer sends one batch per partition); only its header is read. */
    private static RecordBatch firstTransactionalBatch(MemoryRecords records) {
        Iterator<? extends RecordBatch> batches = records.batches().iterator();
        RecordBatch first = batches.hasNext() ? batches.next() : null;
        return first != null && first.isTransactional() ? first : null;
    }

    private void append(Partition partition, MemoryRecords records, VerificationGuard guard, PartitionProduceResponse out,
                        Appends appends) {
        TopicPartition tp = partition.topicPartition();
        short acks = appends.acks();
        try {
            int appendEpoch = partition.leaderEpoch();
            AppendInfo info = partition.appendAsLeader(records, acks, guard);
            out.setBaseOffset(info.firstOffset())
                    .setLogAppendTimeMs(info.logAppendTime())
                    .setLogStartOffset(info.logStartOffset());
            if (info.flushNeeded() && acks != 0) {
                appends.flushes().add(partition.log().flushAsync());
            }
            if (acks == -1) {
                appends.waiting().add(new DelayedProduce.Waiting(partition, info.lastOffset() + 1, appendEpoch, out));
            }
            fetchPurgatory.checkAndComplete(tp);
        } catch (RuntimeException e) {
            fail(out, ErrorMapping.toError(e, "produce to " + tp), e.getMessage());
        }
    }

    private static void fail(PartitionProduceResponse out, Errors error, String message) {
        out.setErrorCode(error.code()).setErrorMessage(message != null ? message : error.message())
                .setBaseOffset(-1).setLogAppendTimeMs(-1).setLogStartOffset(-1);
    }

    private static String nameOf(MetadataImage image, Uuid topicId) {
        TopicImage topic = image.topicsById().get(topicId);
        return topic == null ? null : topic.name();
    }
}
