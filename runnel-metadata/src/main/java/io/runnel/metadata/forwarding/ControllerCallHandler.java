package io.runnel.metadata.forwarding;

import io.runnel.metadata.Controller;
import org.apache.kafka.common.message.AllocateProducerIdsRequestData;
import org.apache.kafka.common.message.AllocateProducerIdsResponseData;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.BrokerRegistrationRequestData;
import org.apache.kafka.common.message.BrokerRegistrationResponseData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The active controller's side of forwarding: decodes a call ({@link ControllerMessages}), runs it
 * on this node's controller and encodes the reply once the controller answered (after its records
 * committed). A controller that is not active answers NOT_CONTROLLER, which the sender retries.
 *
 * <p>Thread-safety: thread-safe (stateless besides the controller); the reply completes on the
 * controller thread.
 */
public final class ControllerCallHandler {
    private static final Logger log = LoggerFactory.getLogger(ControllerCallHandler.class);

    private final Controller controller;

    /** @param controller this node's own controller (never a forwarding one: that could loop) */
    public ControllerCallHandler(Controller controller) {
        this.controller = controller;
    }

    public CompletableFuture<ByteBuffer> handle(ByteBuffer encoded) {
        ControllerMessages.Call call;
        CompletableFuture<? extends ApiMessage> response;
        try {
            call = ControllerMessages.decodeCall(encoded);
            response = dispatch(call.request());
        } catch (IllegalArgumentException e) {
            log.warn("Refusing a forwarded controller call: {}", e.getMessage());
            return CompletableFuture.completedFuture(ControllerMessages.encodeError(Errors.INVALID_REQUEST, e.getMessage()));
        }
        short version = call.version();
        return response.handle((r, error) -> {
            if (error == null) {
                return ControllerMessages.encodeResponse(r, version);
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            return ControllerMessages.encodeError(Errors.forException(cause), cause.getMessage());
        });
    }

    private CompletableFuture<? extends ApiMessage> dispatch(ApiMessage request) {
        ApiKeys key = ApiKeys.forId(request.apiKey());
        return switch (key) {
            case CREATE_TOPICS -> controller.createTopics((CreateTopicsRequestData) request);
            case DELETE_TOPICS -> controller.deleteTopics((DeleteTopicsRequestData) request);
            case CREATE_PARTITIONS -> controller.createPartitions((CreatePartitionsRequestData) request);
            case ALTER_CONFIGS -> controller.alterConfigs((AlterConfigsRequestData) request);
            case INCREMENTAL_ALTER_CONFIGS ->
                    controller.incrementalAlterConfigs((IncrementalAlterConfigsRequestData) request);
            case ALTER_PARTITION -> controller.alterPartition((AlterPartitionRequestData) request);
            case ELECT_LEADERS -> controller.electLeaders((ElectLeadersRequestData) request);
            case ALTER_PARTITION_REASSIGNMENTS ->
                    controller.alterPartitionReassignments((AlterPartitionReassignmentsRequestData) request);
            case LIST_PARTITION_REASSIGNMENTS ->
                    controller.listPartitionReassignments((ListPartitionReassignmentsRequestData) request);
            case BROKER_REGISTRATION -> controller.registerBroker(
                    ControllerMessages.registration((BrokerRegistrationRequestData) request),
                    ControllerMessages.cleanShutdown((BrokerRegistrationRequestData) request))
                    .thenApply(ignored -> new BrokerRegistrationResponseData());
            case BROKER_HEARTBEAT -> controller.brokerHeartbeat(
                    ControllerMessages.heartbeat((BrokerHeartbeatRequestData) request))
                    .thenApply(ControllerMessages::heartbeatResponse);
            case ALLOCATE_PRODUCER_IDS -> {
                int blockSize = ControllerMessages.blockSize((AllocateProducerIdsRequestData) request);
                yield controller.allocateProducerIds(((AllocateProducerIdsRequestData) request).brokerId(), blockSize)
                        .thenApply(first -> new AllocateProducerIdsResponseData().setProducerIdStart(first)
                                .setProducerIdLen(blockSize));
            }
            default -> throw new IllegalArgumentException("Not a controller call: " + key);
        };
    }
}
