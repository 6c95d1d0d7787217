package io.runnel.metadata.forwarding;

import io.runnel.metadata.BrokerHeartbeat;
import io.runnel.metadata.BrokerHeartbeatReply;
import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.Controller;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.message.AllocateProducerIdsResponseData;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.message.BrokerHeartbeatResponseData;
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
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.utils.Time;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@link Controller} of any quorum member: while this node's controller is active a call runs
 * in-process (no serialization); otherwise it is encoded ({@link ControllerMessages}) and sent
 * through the {@link ControllerTransport} to the active controller.
 *
 * <p>A call that meets no active controller (NOT_CONTROLLER from either path: no leader yet, a
 * leader still replaying earlier terms, leadership lost mid-call, or a transport failure) is tried
 * again every {@value #RETRY_BACKOFF_MS} ms until {@code timeoutMs} after it was made, then
 * fails with {@code NotControllerException}. Other errors (e.g. DUPLICATE_BROKER_REGISTRATION)
 * fail the call at once. A call retried after its reply was lost may take effect twice: calls
 * are at-least-once, as Kafka's forwarding is (creating a topic twice answers
 * TOPIC_ALREADY_EXISTS; two producer-id blocks waste ids).
 *
 * <p>Thread-safety: thread-safe. Futures complete on the controller thread, a transport thread,
 * or the retry timer's thread; callbacks must not block.
 */
public final class ForwardingController implements Controller, AutoCloseable {
    /** Pause between two attempts of a call that met no active controller. */
    static final long RETRY_BACKOFF_MS = 100;

    private final Controller local;
    private final BooleanSupplier localActive;
    private final ControllerTransport transport;
    private final Time time;
    private final long timeoutMs;
    private final Executor retryTimer = CompletableFuture.delayedExecutor(RETRY_BACKOFF_MS, TimeUnit.MILLISECONDS);
    private volatile boolean closed;

    /**
     * @param local this node's controller, used while {@code localActive} says it is the active one
     * @param transport reaches the active controller when it is elsewhere
     * @param timeoutMs how long a call may look for an active controller (judged on {@code time})
     */
    public ForwardingController(Controller local, BooleanSupplier localActive, ControllerTransport transport,
                                Time time, long timeoutMs) {
        this.local = local;
        this.localActive = localActive;
        this.transport = transport;
        this.time = time;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public CompletableFuture<CreateTopicsResponseData> createTopics(CreateTopicsRequestData request) {
        return call(() -> local.createTopics(request), request, CreateTopicsResponseData.class::cast);
    }

    @Override
    public CompletableFuture<DeleteTopicsResponseData> deleteTopics(DeleteTopicsRequestData request) {
        return call(() -> local.deleteTopics(request), request, DeleteTopicsResponseData.class::cast);
    }

    @Override
    public CompletableFuture<CreatePartitionsResponseData> createPartitions(CreatePartitionsRequestData request) {
        return call(() -> local.createPartitions(request), request, CreatePartitionsResponseData.class::cast);
    }

    @Override
    public CompletableFuture<AlterConfigsResponseData> alterConfigs(AlterConfigsRequestData request) {
        return call(() -> local.alterConfigs(request), request, AlterConfigsResponseData.class::cast);
    }

    @Override
    public CompletableFuture<IncrementalAlterConfigsResponseData> incrementalAlterConfigs(
            IncrementalAlterConfigsRequestData request) {
        return call(() -> local.incrementalAlterConfigs(request), request, IncrementalAlterConfigsResponseData.class::cast);
    }

    @Override
    public CompletableFuture<Long> allocateProducerIds(int brokerId, int blockSize) {
        if (blockSize <= 0) {
            throw new IllegalArgumentException("blockSize must be positive: " + blockSize);
        }
        return call(() -> local.allocateProducerIds(brokerId, blockSize),
                ControllerMessages.allocateProducerIdsRequest(brokerId, blockSize),
                r -> ((AllocateProducerIdsResponseData) r).producerIdStart());
    }

    @Override
    public CompletableFuture<Void> registerBroker(BrokerRegistration registration, boolean cleanShutdown) {
        return call(() -> local.registerBroker(registration, cleanShutdown),
                ControllerMessages.registrationRequest(registration, cleanShutdown),
                r -> null);
    }

    @Override
    public CompletableFuture<BrokerHeartbeatReply> brokerHeartbeat(BrokerHeartbeat heartbeat) {
        return call(() -> local.brokerHeartbeat(heartbeat), ControllerMessages.heartbeatRequest(heartbeat),
                r -> ControllerMessages.heartbeatReply((BrokerHeartbeatResponseData) r));
    }

    @Override
    public CompletableFuture<AlterPartitionResponseData> alterPartition(AlterPartitionRequestData request) {
        return call(() -> local.alterPartition(request), request, AlterPartitionResponseData.class::cast);
    }

    @Override
    public CompletableFuture<ElectLeadersResponseData> electLeaders(ElectLeadersRequestData request) {
        return call(() -> local.electLeaders(request), request, ElectLeadersResponseData.class::cast);
    }

    @Override
    public CompletableFuture<AlterPartitionReassignmentsResponseData> alterPartitionReassignments(
            AlterPartitionReassignmentsRequestData request) {
        return call(() -> local.alterPartitionReassignments(request), request,
                AlterPartitionReassignmentsResponseData.class::cast);
    }

    @Override
    public CompletableFuture<ListPartitionReassignmentsResponseData> listPartitionReassignments(
            ListPartitionReassignmentsRequestData request) {
        return call(() -> local.listPartitionReassignments(request), request,
                ListPartitionReassignmentsResponseData.class::cast);
    }

    /** Later calls, and retries of earlier ones, fail at once with NotControllerException. */
    @Override
    public void close() {
        closed = true;
    }

    private <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> inProcess, ApiMessage request,
                                          Function<ApiMessage, T> answer) {
        CompletableFuture<T> result = new CompletableFuture<>();
        attempt(inProcess, request, answer, time.milliseconds() + timeoutMs, result);
        return result;
    }

    private <T> void attempt(Supplier<CompletableFuture<T>> inProcess, ApiMessage request,
                             Function<ApiMessage, T> answer, long deadlineMs, CompletableFuture<T> result) {
        if (closed) {
            result.completeExceptionally(new NotControllerException("This node is shutting down."));
            return;
        }
        CompletableFuture<T> attempt;
        try {
            attempt = localActive.getAsBoolean()
                    ? inProcess.get()
                    : transport.send(ControllerMessages.encodeCall(request))
                            .orTimeout(Math.max(1, deadlineMs - time.milliseconds()), TimeUnit.MILLISECONDS)
                            .thenApply(reply -> answer.apply(ControllerMessages.decodeResponse(request, reply)));
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        attempt.whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (!isRetriable(cause)) {
                result.completeExceptionally(cause);
            } else if (time.milliseconds() + RETRY_BACKOFF_MS > deadlineMs) {
                NotControllerException timedOut = new NotControllerException("No active controller answered within "
                        + timeoutMs + " ms: " + cause.getMessage());
                timedOut.initCause(cause);
                result.completeExceptionally(timedOut);
            } else {
                retryTimer.execute(() -> attempt(inProcess, request, answer, deadlineMs, result));
            }
        });
    }

    /** No active controller was reached: NOT_CONTROLLER, or the transport failed or timed out. */
    private static boolean isRetriable(Throwable cause) {
        return cause instanceof NotControllerException || cause instanceof IOException
                || cause instanceof TimeoutException;
    }
}
