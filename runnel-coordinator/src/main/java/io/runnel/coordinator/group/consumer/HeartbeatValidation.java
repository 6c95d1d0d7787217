package io.runnel.coordinator.group.consumer;

import io.runnel.coordinator.group.Group;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.protocol.Errors;

import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * Checks of a ConsumerGroupHeartbeat that need no group state, with Kafka's errors and messages:
 * INVALID_REQUEST for missing or contradictory fields, UNSUPPORTED_ASSIGNOR, and
 * INVALID_REGULAR_EXPRESSION for a regex that does not compile.
 */
final class HeartbeatValidation {

    private HeartbeatValidation() {
    }

    /** @throws org.apache.kafka.common.errors.ApiException the error for the client */
    static void validate(ConsumerGroupHeartbeatRequestData request, HeartbeatContext context,
                         Set<String> assignors, TopicSubscriptions subscriptions) {
        throwIfEmpty(request.groupId(), "GroupId can't be empty.");
        if (!Group.isValidGroupId(request.groupId())) {
            throw invalid("GroupId is too long.");
        }
        throwIfEmpty(request.instanceId(), "InstanceId can't be empty.");
        throwIfEmpty(request.rackId(), "RackId can't be empty.");
        if (context.apiVersion() >= HeartbeatContext.CLIENT_GENERATED_MEMBER_ID_VERSION || request.memberEpoch() != 0) {
            throwIfEmpty(request.memberId(), "MemberId can't be empty.");
        }
        if (request.memberEpoch() == 0) {
            if (request.rebalanceTimeoutMs() == -1) {
                throw invalid("RebalanceTimeoutMs must be provided in first request.");
            }
            if (request.topicPartitions() == null || !request.topicPartitions().isEmpty()) {
                throw invalid("TopicPartitions must be empty when (re-)joining.");
            }
            // An empty list joins the group subscribed to nothing: a client-side pattern that matches no topic yet.
            if (request.subscribedTopicNames() == null && request.subscribedTopicRegex() == null) {
                throw invalid("Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.");
            }
        } else if (request.memberEpoch() == ConsumerGroupMember.LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
            if (request.instanceId() == null) {
                throw invalid("InstanceId can't be null.");
            }
        } else if (request.memberEpoch() < -1) {
            throw invalid("MemberEpoch is invalid.");
        }
        if (request.serverAssignor() != null && !assignors.contains(request.serverAssignor())) {
            throw Errors.UNSUPPORTED_ASSIGNOR.exception("ServerAssignor " + request.serverAssignor()
                    + " is not supported. Supported assignors: " + String.join(", ", assignors) + ".");
        }
        if (request.subscribedTopicRegex() != null && !request.subscribedTopicRegex().isEmpty()) {
            try {
                subscriptions.compile(request.subscribedTopicRegex());
            } catch (PatternSyntaxException e) {
                throw Errors.INVALID_REGULAR_EXPRESSION.exception("SubscribedTopicRegex "
                        + request.subscribedTopicRegex() + " is not a valid regular expression: " + e.getDescription());
            }
        }
    }

    private static void throwIfEmpty(String value, String message) {
        if (value != null && value.isEmpty()) {
            throw invalid(message);
        }
    }

    private static RuntimeException invalid(String message) {
        return Errors.INVALID_REQUEST.exception(message);
    }
}
