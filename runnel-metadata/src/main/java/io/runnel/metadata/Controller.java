package io.runnel.metadata;

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

import io.runnel.metadata.raft.RaftNode;

import java.util.concurrent.CompletableFuture;

/**
 * The active controller's write API. Each call computes metadata records from the current
 * state, appends them to the quorum and completes once they are committed and replayed, with a
 * per-item result (Kafka's error codes and messages, as the matching response carries them).
 * Calls are handled one at a time on the controller thread, so two racing creations of one
 * topic cannot both succeed.
 *
 * <p>Takes and returns Kafka's generated message classes, as Kafka's QuorumController does, so
 * the broker forwards requests without translating them. Futures complete exceptionally only
 * when no active controller answered ({@code NotControllerException}: this node is not the
 * active one, or, through {@code MetadataQuorum.controller()}, none was reached within its
 * forwarding bound), and {@link #registerBroker} when the node id is taken by a live incarnation.
 */
public interface Controller {

    /**
     * The longest an active controller keeps the session of a broker it has not heard from:
     * {@code broker.session.timeout.ms}, plus, after a failover, the forwarding bound a heartbeat
     * may have spent stuck at the previous leader. Until then a new incarnation of that node id is
     * refused as a duplicate.
     */
    static long longestSilentSessionMs(long sessionTimeoutMs) {
        return sessionTimeoutMs + RaftNode.FORWARD_TIMEOUT_MS;
    }

    /**
     * Honours validateOnly, numPartitions/replicationFactor -1 (broker defaults), explicit
     * assignments (rejected with INVALID_REPLICA_ASSIGNMENT when they name unknown brokers or
     * are uneven), topic configs (INVALID_CONFIG), invalid names (INVALID_TOPIC_EXCEPTION),
     * existing topics (TOPIC_ALREADY_EXISTS), replication factor above the number of brokers
     * (INVALID_REPLICATION_FACTOR). Results carry topic id, partitions, replication factor and
     * the topic's effective configs.
     */
    CompletableFuture<CreateTopicsResponseData> createTopics(CreateTopicsRequestData request);

    /** By name (v0-v5) or by topic id (v6+); unknown ones get UNKNOWN_TOPIC_OR_PARTITION / UNKNOWN_TOPIC_ID. */
    CompletableFuture<DeleteTopicsResponseData> deleteTopics(DeleteTopicsRequestData request);

    CompletableFuture<CreatePartitionsResponseData> createPartitions(CreatePartitionsRequestData request);

    CompletableFuture<AlterConfigsResponseData> alterConfigs(AlterConfigsRequestData request);

    CompletableFuture<IncrementalAlterConfigsResponseData> incrementalAlterConfigs(IncrementalAlterConfigsRequestData request);

    /** Hands out a block of {@code blockSize} producer ids; completes with the first id of the block. */
    CompletableFuture<Long> allocateProducerIds(int brokerId, int blockSize);

    /**
     * Registers (or re-registers with a new incarnation) a broker and its endpoints. The broker
     * starts fenced (its {@code fenced} flag is ignored) until a heartbeat unfences it. Completes
     * exceptionally with {@code DuplicateBrokerRegistrationException} when another incarnation of
     * the node id is unfenced and within its session.
     *
     * @param cleanShutdown whether the broker's previous process stopped cleanly (its log
     *     directories held the clean-shutdown marker); when not, and the node id was registered
     *     before, the broker leaves every ISR and eligible-leader-replica set: it may have lost
     *     records it had acknowledged
     */
    CompletableFuture<Void> registerBroker(BrokerRegistration registration, boolean cleanShutdown);

    /**
     * Records that the broker is alive and updates its fencing: a fenced broker that is caught up
     * (its metadata offset reached the controller's committed offset) and does not want to be fenced
     * is unfenced; an unfenced one that asks to be fenced or to shut down is fenced. Completes once
     * any such change is committed. A broker that stops heartbeating for
     * {@code broker.session.timeout.ms} is fenced by the controller.
     */
    CompletableFuture<BrokerHeartbeatReply> brokerHeartbeat(BrokerHeartbeat heartbeat);

    /**
     * A partition leader's ISR change (Kafka's AlterPartition, version 3 semantics: topics by id,
     * {@code newIsrWithEpochs}, broker epochs not checked). Per partition: FENCED_LEADER_EPOCH for a
     * stale leader epoch, INVALID_UPDATE_VERSION for a stale partition epoch, INELIGIBLE_REPLICA when
     * the new ISR names a fenced or unregistered broker or a non-replica, INVALID_REQUEST when it
     * leaves out the leader or the sender is not the leader, UNKNOWN_TOPIC_ID /
     * UNKNOWN_TOPIC_OR_PARTITION, NOT_CONTROLLER when the sender's epochs are newer than the
     * controller's (retry later); on success the partition's new leader, leader epoch, ISR and
     * partition epoch (partition epoch + 1 when the ISR changed). A sender that is not registered
     * gets STALE_BROKER_EPOCH as the response's top-level error.
     */
    CompletableFuture<AlterPartitionResponseData> alterPartition(AlterPartitionRequestData request);

    /**
     * Kafka's ElectLeaders: PREFERRED or UNCLEAN elections for the given partitions (all when
     * {@code topicPartitions} is null, leaving out ELECTION_NOT_NEEDED results). Per partition:
     * UNKNOWN_TOPIC_OR_PARTITION, ELECTION_NOT_NEEDED, PREFERRED_LEADER_NOT_AVAILABLE,
     * ELIGIBLE_LEADERS_NOT_AVAILABLE or NONE; an unknown election type is a top-level INVALID_REQUEST.
     */
    CompletableFuture<ElectLeadersResponseData> electLeaders(ElectLeadersRequestData request);

    /**
     * Kafka's AlterPartitionReassignments (KIP-455, versions 0-1): per partition, target replicas
     * start a reassignment (or replace the one under way) and null cancels it. Per-partition errors
     * INVALID_REPLICA_ASSIGNMENT, INVALID_REPLICATION_FACTOR, UNKNOWN_TOPIC_OR_PARTITION,
     * NO_REASSIGNMENT_IN_PROGRESS; see {@code controller.PartitionReassignments} for the semantics.
     */
    CompletableFuture<AlterPartitionReassignmentsResponseData> alterPartitionReassignments(
            AlterPartitionReassignmentsRequestData request);

    /** Kafka's ListPartitionReassignments: the reassignments under way, of every partition or those named. */
    CompletableFuture<ListPartitionReassignmentsResponseData> listPartitionReassignments(
            ListPartitionReassignmentsRequestData request);
}
