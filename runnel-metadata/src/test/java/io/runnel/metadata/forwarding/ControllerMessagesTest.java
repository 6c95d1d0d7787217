package io.runnel.metadata.forwarding;

import io.runnel.metadata.BrokerHeartbeat;
import io.runnel.metadata.BrokerHeartbeatReply;
import io.runnel.metadata.BrokerRegistration;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.DuplicateBrokerRegistrationException;
import org.apache.kafka.common.message.AllocateProducerIdsRequestData;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.BrokerRegistrationRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ControllerMessagesTest {

    @Test
    void aKafkaRequestAndItsResponseRoundTrip() {
        CreateTopicsRequestData request = new CreateTopicsRequestData().setTimeoutMs(1234);
        request.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("t").setNumPartitions(3)
                .setReplicationFactor((short) -1));
        ControllerMessages.Call call = ControllerMessages.decodeCall(ControllerMessages.encodeCall(request));
        assertThat(call.request()).isEqualTo(request);
        assertThat(call.version()).isEqualTo(ApiKeys.CREATE_TOPICS.latestVersion());

        CreateTopicsResponseData response = new CreateTopicsResponseData();
        response.topics().add(new CreateTopicsResponseData.CreatableTopicResult().setName("t")
                .setTopicId(Uuid.randomUuid()).setNumPartitions(3));
        ByteBuffer reply = ControllerMessages.encodeResponse(response, call.version());
        assertThat(ControllerMessages.decodeResponse(request, reply)).isEqualTo(response);
    }

    @Test
    void anErrorReplyBecomesItsException() {
        ByteBuffer reply = ControllerMessages.encodeError(Errors.DUPLICATE_BROKER_REGISTRATION, "taken");
        assertThatThrownBy(() -> ControllerMessages.decodeResponse(new BrokerRegistrationRequestData(), reply))
                .isInstanceOf(DuplicateBrokerRegistrationException.class).hasMessage("taken");
    }

    @Test
    void internalCallsKeepEveryField() {
        BrokerRegistration registration = new BrokerRegistration(4, Uuid.randomUuid(),
                List.of(new BrokerRegistration.Endpoint("PLAINTEXT", "h1", 9092, "PLAINTEXT"),
                        new BrokerRegistration.Endpoint("INTERNAL", "h2", 9093, "PLAINTEXT")), "rack-a", false);
        assertThat(ControllerMessages.registration((BrokerRegistrationRequestData) roundTrip(
                ControllerMessages.registrationRequest(registration, false)))).isEqualTo(registration);
        assertThat(ControllerMessages.cleanShutdown((BrokerRegistrationRequestData) roundTrip(
                ControllerMessages.registrationRequest(registration, true)))).isTrue();
        assertThat(ControllerMessages.cleanShutdown((BrokerRegistrationRequestData) roundTrip(
                ControllerMessages.registrationRequest(registration, false)))).isFalse();

        BrokerHeartbeat heartbeat = new BrokerHeartbeat(4, Uuid.randomUuid(), 77, true, false);
        assertThat(ControllerMessages.heartbeat((BrokerHeartbeatRequestData) roundTrip(
                ControllerMessages.heartbeatRequest(heartbeat)))).isEqualTo(heartbeat);
        BrokerHeartbeat reporting = new BrokerHeartbeat(4, Uuid.randomUuid(), 78, false, false, Set.of(
                new TopicIdPartition(Uuid.randomUuid(), 3, null), new TopicIdPartition(Uuid.randomUuid(), 0, null)));
        assertThat(ControllerMessages.heartbeat((BrokerHeartbeatRequestData) roundTrip(
                ControllerMessages.heartbeatRequest(reporting)))).isEqualTo(reporting);

        assertThat(ControllerMessages.blockSize((AllocateProducerIdsRequestData) roundTrip(
                ControllerMessages.allocateProducerIdsRequest(4, 1000)))).isEqualTo(1000);

        BrokerHeartbeatReply reply = new BrokerHeartbeatReply(Errors.STALE_BROKER_EPOCH, true, true);
        assertThat(ControllerMessages.heartbeatReply(ControllerMessages.heartbeatResponse(reply))).isEqualTo(reply);
    }

    @Test
    void garbageIsRefused() {
        assertThatThrownBy(() -> ControllerMessages.decodeCall(ByteBuffer.wrap(new byte[]{0, 19})))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ControllerMessages.decodeCall(ByteBuffer.allocate(4).putShort((short) 9999).flip()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ControllerMessages.heartbeat(new BrokerHeartbeatRequestData()))
                .as("no incarnation id").isInstanceOf(IllegalArgumentException.class);
    }

    private static org.apache.kafka.common.protocol.ApiMessage roundTrip(org.apache.kafka.common.protocol.ApiMessage m) {
        return ControllerMessages.decodeCall(ControllerMessages.encodeCall(m)).request();
    }
}
