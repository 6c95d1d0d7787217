package io.runnel.metadata.forwarding;

import io.runnel.metadata.BrokerHeartbeat;
import io.runnel.metadata.BrokerHeartbeatReply;
import io.runnel.metadata.BrokerRegistration;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.AllocateProducerIdsRequestData;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.BrokerHeartbeatResponseData;
import org.apache.kafka.common.message.BrokerRegistrationRequestData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.apache.kafka.common.security.auth.SecurityProtocol;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The wire format of forwarded controller calls, and how Runnel's own call types map onto
 * Kafka's messages.
 *
 * <p>A call is {@code short apiKey, short version, request} and its reply
 * {@code short errorCode, body}, big-endian: with error NONE the body is the response at the
 * call's version; otherwise it is the error message in UTF-8 (NOT_CONTROLLER: retry elsewhere or
 * later; other codes become that error's exception). Requests and responses are Kafka's generated
 * messages, serialized as on Kafka's wire, at the sender's latest version.
 *
 * <p>Runnel's internal calls use Kafka's KRaft messages: BrokerRegistration, BrokerHeartbeat and
 * AllocateProducerIds. Two values those messages lack travel as Runnel-private tagged fields
 * (tag {@value #RUNNEL_TAG}; Kafka's flexible versions skip unknown tags): the heartbeat's
 * incarnation id (two int64, as Kafka has a broker epoch there) and the producer-id block size
 * (int32); a heartbeat's failed replicas travel under tag {@value #FAILED_REPLICAS_TAG}.
 * Stateless and thread-safe.
 */
public final class ControllerMessages {
    /** The tag of Runnel's private field in BrokerHeartbeat and AllocateProducerIds requests. */
    static final int RUNNEL_TAG = 10_000;
    /** The tag of the heartbeat's failed replicas: per replica a topic id (16 bytes) and a partition (4). */
    static final int FAILED_REPLICAS_TAG = 10_001;
    private static final int FAILED_REPLICA_BYTES = 20;
    /** The {@code previousBrokerEpoch} of a registration whose broker stopped cleanly before. */
    static final long CLEAN_SHUTDOWN_EPOCH = 0;

    private ControllerMessages() {
    }

    /** A decoded call: the request and the version it was sent at (the reply uses the same). */
    public record Call(ApiMessage request, short version) {
    }

    /** Encodes {@code request} at its latest version. */
    public static ByteBuffer encodeCall(ApiMessage request) {
        short version = request.highestSupportedVersion();
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ByteBuffer buffer = ByteBuffer.allocate(4 + request.size(cache, version));
        buffer.putShort(request.apiKey()).putShort(version);
        request.write(new ByteBufferAccessor(buffer), cache, version);
        return buffer.flip();
    }

    /** Decodes a call; throws {@link IllegalArgumentException} on an unknown key or version or a corrupt body. */
    public static Call decodeCall(ByteBuffer call) {
        try {
            short apiKey = call.getShort();
            short version = call.getShort();
            ApiMessage request = ApiMessageType.fromApiKey(apiKey).newRequest();
            if (version < request.lowestSupportedVersion() || version > request.highestSupportedVersion()) {
                throw new IllegalArgumentException("Unsupported version " + version + " of controller call " + apiKey);
            }
            request.read(new ByteBufferAccessor(call), version);
            return new Call(request, version);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            // Unknown key (UnsupportedVersionException), truncated or corrupt body.
            throw new IllegalArgumentException("Undecodable controller call: " + e, e);
        }
    }

    /** A successful reply: error NONE and the response at {@code version}. */
    public static ByteBuffer encodeResponse(ApiMessage response, short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ByteBuffer buffer = ByteBuffer.allocate(2 + response.size(cache, version));
        buffer.putShort(Errors.NONE.code());
        response.write(new ByteBufferAccessor(buffer), cache, version);
        return buffer.flip();
    }

    /** A failed reply: the error and its message. */
    public static ByteBuffer encodeError(Errors error, String message) {
        byte[] text = message == null ? new byte[0] : message.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + text.length).putShort(error.code()).put(text).flip();
    }

    /**
     * Decodes the reply to {@code request} (sent at its latest version). Throws the reply's error
     * as its Kafka exception ({@code NotControllerException} for NOT_CONTROLLER), or
     * {@link IllegalArgumentException} when the reply cannot be decoded.
     */
    public static ApiMessage decodeResponse(ApiMessage request, ByteBuffer reply) {
        try {
            Errors error = Errors.forCode(reply.getShort());
            if (error != Errors.NONE) {
                byte[] text = new byte[reply.remaining()];
                reply.get(text);
                throw error.exception(new String(text, StandardCharsets.UTF_8));
            }
            ApiMessage response = ApiMessageType.fromApiKey(request.apiKey()).newResponse();
            response.read(new ByteBufferAccessor(reply), request.highestSupportedVersion());
            return response;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("Truncated controller reply", e);
        }
    }

    /**
     * A registration request. Runnel has no broker epochs: {@code previousBrokerEpoch}, which
     * Kafka sets to the epoch a clean shutdown recorded (-1 when there was none), carries
     * {@value #CLEAN_SHUTDOWN_EPOCH} for a clean previous shutdown and -1 otherwise.
     */
    public static BrokerRegistrationRequestData registrationRequest(BrokerRegistration registration,
                                                                    boolean cleanShutdown) {
        BrokerRegistrationRequestData request = new BrokerRegistrationRequestData()
                .setBrokerId(registration.id())
                .setIncarnationId(registration.incarnationId())
                .setRack(registration.rack())
                .setPreviousBrokerEpoch(cleanShutdown ? CLEAN_SHUTDOWN_EPOCH : -1);
        for (BrokerRegistration.Endpoint e : registration.endpoints()) {
            request.listeners().add(new BrokerRegistrationRequestData.Listener().setName(e.listenerName())
                    .setHost(e.host()).setPort(e.port())
                    .setSecurityProtocol(SecurityProtocol.forName(e.securityProtocol()).id));
        }
        return request;
    }

    /** The registration a request carries (unfenced: the controller registers it fenced anyway). */
    public static BrokerRegistration registration(BrokerRegistrationRequestData request) {
        List<BrokerRegistration.Endpoint> endpoints = new ArrayList<>();
        for (BrokerRegistrationRequestData.Listener l : request.listeners()) {
            endpoints.add(new BrokerRegistration.Endpoint(l.name(), l.host(), l.port(),
                    SecurityProtocol.forId(l.securityProtocol()).name));
        }
        return new BrokerRegistration(request.brokerId(), request.incarnationId(), endpoints, request.rack(), false);
    }

    /** Whether a registration request says the broker's previous process stopped cleanly. */
    public static boolean cleanShutdown(BrokerRegistrationRequestData request) {
        return request.previousBrokerEpoch() >= CLEAN_SHUTDOWN_EPOCH;
    }

    public static BrokerHeartbeatRequestData heartbeatRequest(BrokerHeartbeat heartbeat) {
        BrokerHeartbeatRequestData request = new BrokerHeartbeatRequestData()
                .setBrokerId(heartbeat.brokerId())
                .setBrokerEpoch(-1)
                .setCurrentMetadataOffset(heartbeat.metadataOffset())
                .setWantFence(heartbeat.wantFence())
                .setWantShutDown(heartbeat.wantShutDown());
        Uuid incarnation = heartbeat.incarnationId();
        request.unknownTaggedFields().add(new RawTaggedField(RUNNEL_TAG, ByteBuffer.allocate(16)
                .putLong(incarnation.getMostSignificantBits()).putLong(incarnation.getLeastSignificantBits()).array()));
        if (!heartbeat.failedReplicas().isEmpty()) {
            ByteBuffer failed = ByteBuffer.allocate(FAILED_REPLICA_BYTES * heartbeat.failedReplicas().size());
            for (TopicIdPartition replica : heartbeat.failedReplicas()) {
                failed.putLong(replica.topicId().getMostSignificantBits())
                        .putLong(replica.topicId().getLeastSignificantBits()).putInt(replica.partition());
            }
            request.unknownTaggedFields().add(new RawTaggedField(FAILED_REPLICAS_TAG, failed.array()));
        }
        return request;
    }

    public static BrokerHeartbeat heartbeat(BrokerHeartbeatRequestData request) {
        ByteBuffer incarnation = ByteBuffer.wrap(runnelField(request.unknownTaggedFields(), 16));
        Set<TopicIdPartition> failed = new HashSet<>();
        for (RawTaggedField field : request.unknownTaggedFields()) {
            if (field.tag() == FAILED_REPLICAS_TAG) {
                ByteBuffer replicas = ByteBuffer.wrap(field.data());
                while (replicas.remaining() >= FAILED_REPLICA_BYTES) {
                    Uuid topicId = new Uuid(replicas.getLong(), replicas.getLong());
                    failed.add(new TopicIdPartition(topicId, replicas.getInt(), null));
                }
            }
        }
        return new BrokerHeartbeat(request.brokerId(), new Uuid(incarnation.getLong(), incarnation.getLong()),
                request.currentMetadataOffset(), request.wantFence(), request.wantShutDown(), failed);
    }

    public static BrokerHeartbeatResponseData heartbeatResponse(BrokerHeartbeatReply reply) {
        return new BrokerHeartbeatResponseData().setErrorCode(reply.error().code()).setIsFenced(reply.fenced())
                .setShouldShutDown(reply.shouldShutDown()).setIsCaughtUp(!reply.fenced());
    }

    public static BrokerHeartbeatReply heartbeatReply(BrokerHeartbeatResponseData response) {
        return new BrokerHeartbeatReply(Errors.forCode(response.errorCode()), response.isFenced(),
                response.shouldShutDown());
    }

    public static AllocateProducerIdsRequestData allocateProducerIdsRequest(int brokerId, int blockSize) {
        AllocateProducerIdsRequestData request = new AllocateProducerIdsRequestData().setBrokerId(brokerId)
                .setBrokerEpoch(-1);
        request.unknownTaggedFields().add(new RawTaggedField(RUNNEL_TAG, ByteBuffer.allocate(4).putInt(blockSize).array()));
        return request;
    }

    /** The block size of an AllocateProducerIds call. */
    public static int blockSize(AllocateProducerIdsRequestData request) {
        return ByteBuffer.wrap(runnelField(request.unknownTaggedFields(), 4)).getInt();
    }

    private static byte[] runnelField(List<RawTaggedField> fields, int size) {
        for (RawTaggedField field : fields) {
            if (field.tag() == RUNNEL_TAG && field.size() == size) {
                return field.data();
            }
        }
        throw new IllegalArgumentException("Missing Runnel's tagged field " + RUNNEL_TAG + " of " + size + " bytes");
    }
}
