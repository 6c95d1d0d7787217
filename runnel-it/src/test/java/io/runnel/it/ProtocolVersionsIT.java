package io.runnel.it;

import io.runnel.it.harness.InProcessBroker;
import io.runnel.it.harness.RawKafkaClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every advertised API at every advertised version: a request the codec can express at that
 * version is answered with a response that parses at that version, on the same connection (a
 * response field written at a version that lacks it would close the connection instead).
 */
class ProtocolVersionsIT {
    private static final String TOPIC = "versions";
    private static InProcessBroker broker;
    private static Uuid topicId;

    @BeforeAll
    static void start() throws Exception {
        broker = InProcessBroker.start();
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            topicId = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).topicId();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void everyAdvertisedVersionAnswers() {
        Map<ApiKeys, Function<Short, ApiMessage>> requests = requests();
        List<String> answered = new ArrayList<>();
        try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", broker.spec().port())) {
            ApiVersionsResponseData versions = (ApiVersionsResponseData) client.send(ApiKeys.API_VERSIONS, (short) 3,
                    new ApiVersionsRequestData().setClientSoftwareName("it").setClientSoftwareVersion("1"));
            assertThat(versions.apiKeys()).extracting(v -> ApiKeys.forId(v.apiKey())).containsExactlyInAnyOrderElementsOf(requests.keySet());
            for (ApiVersionsResponseData.ApiVersion range : versions.apiKeys()) {
                ApiKeys key = ApiKeys.forId(range.apiKey());
                for (short v = range.minVersion(); v <= range.maxVersion(); v++) {
                    ApiMessage request = requests.get(key).apply(v);
                    ApiMessage response;
                    try {
                        response = client.send(key, v, request);
                    } catch (UnsupportedVersionException notExpressible) {
                        continue; // the request itself needs a field this version lacks
                    }
                    assertThat(response).as("%s v%d", key, v).isNotNull();
                    answered.add(key + " v" + v);
                }
            }
        }
        assertThat(answered).contains("PRODUCE v13", "FETCH v18", "METADATA v0", "METADATA v13", "LIST_OFFSETS v1");
    }

    private static Map<ApiKeys, Function<Short, ApiMessage>> requests() {
        Map<ApiKeys, Function<Short, ApiMessage>> r = new EnumMap<>(ApiKeys.class);
        r.put(ApiKeys.API_VERSIONS, v -> new ApiVersionsRequestData().setClientSoftwareName("it").setClientSoftwareVersion("1"));
        r.put(ApiKeys.METADATA, v -> {
            MetadataRequestData data = new MetadataRequestData().setAllowAutoTopicCreation(v < 4); // v0-3 always allow
            data.topics().add(new MetadataRequestData.MetadataRequestTopic().setName(TOPIC).setTopicId(v >= 10 ? topicId : Uuid.ZERO_UUID));
            return data;
        });
        r.put(ApiKeys.PRODUCE, v -> {
            ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(5000);
            data.topicData().add(new ProduceRequestData.TopicProduceData().setName(v >= 13 ? "" : TOPIC)
                    .setTopicId(v >= 13 ? topicId : Uuid.ZERO_UUID)
                    .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(0)
                            .setRecords(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(("v" + v).getBytes()))))));
            return data;
        });
        r.put(ApiKeys.FETCH, v -> new FetchRequestData().setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 20)
                .setSessionEpoch(-1).setTopics(List.of(new FetchRequestData.FetchTopic().setTopic(v >= 13 ? "" : TOPIC)
                        .setTopicId(v >= 13 ? topicId : Uuid.ZERO_UUID)
                        .setPartitions(List.of(new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0)
                                .setPartitionMaxBytes(1 << 20))))));
        r.put(ApiKeys.LIST_OFFSETS, v -> new ListOffsetsRequestData().setReplicaId(-1).setTopics(List.of(
                new ListOffsetsRequestData.ListOffsetsTopic().setName(TOPIC).setPartitions(List.of(
                        new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-2))))));
        r.put(ApiKeys.OFFSET_FOR_LEADER_EPOCH, v -> {
            OffsetForLeaderEpochRequestData data = new OffsetForLeaderEpochRequestData().setReplicaId(-1);
            data.topics().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(TOPIC).setPartitions(List.of(
                    new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(0).setLeaderEpoch(0))));
            return data;
        });
        r.put(ApiKeys.CREATE_TOPICS, v -> {
            CreateTopicsRequestData data = new CreateTopicsRequestData().setValidateOnly(true).setTimeoutMs(5000);
            data.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("new-" + v).setNumPartitions(1)
                    .setReplicationFactor((short) 1));
            return data;
        });
        r.put(ApiKeys.DELETE_TOPICS, v -> v >= 6
                ? new DeleteTopicsRequestData().setTimeoutMs(5000).setTopics(List.of(new DeleteTopicsRequestData.DeleteTopicState()
                        .setName("absent")))
                : new DeleteTopicsRequestData().setTimeoutMs(5000).setTopicNames(List.of("absent")));
        r.put(ApiKeys.CREATE_PARTITIONS, v -> {
            CreatePartitionsRequestData data = new CreatePartitionsRequestData().setValidateOnly(true).setTimeoutMs(5000);
            data.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName(TOPIC).setCount(2));
            return data;
        });
        r.put(ApiKeys.DESCRIBE_CONFIGS, v -> new DescribeConfigsRequestData().setResources(List.of(
                new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType((byte) 2).setResourceName(TOPIC))));
        r.put(ApiKeys.ALTER_CONFIGS, v -> {
            AlterConfigsRequestData data = new AlterConfigsRequestData().setValidateOnly(true);
            data.resources().add(new AlterConfigsRequestData.AlterConfigsResource().setResourceType((byte) 2).setResourceName(TOPIC));
            return data;
        });
        r.put(ApiKeys.INCREMENTAL_ALTER_CONFIGS, v -> {
            IncrementalAlterConfigsRequestData data = new IncrementalAlterConfigsRequestData().setValidateOnly(true);
            data.resources().add(new IncrementalAlterConfigsRequestData.AlterConfigsResource().setResourceType((byte) 2)
                    .setResourceName(TOPIC));
            return data;
        });
        r.put(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, v -> new AlterPartitionReassignmentsRequestData().setTopics(List.of(
                new AlterPartitionReassignmentsRequestData.ReassignableTopic().setName(TOPIC).setPartitions(List.of(
                        new AlterPartitionReassignmentsRequestData.ReassignablePartition().setPartitionIndex(0)
                                .setReplicas(null))))));
        r.put(ApiKeys.LIST_PARTITION_REASSIGNMENTS, v -> new ListPartitionReassignmentsRequestData().setTopics(null));
        r.put(ApiKeys.DELETE_RECORDS, v -> new DeleteRecordsRequestData().setTimeoutMs(5000).setTopics(List.of(
                new DeleteRecordsRequestData.DeleteRecordsTopic().setName(TOPIC).setPartitions(List.of(
                        new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(0).setOffset(0))))));
        r.put(ApiKeys.DESCRIBE_CLUSTER, v -> new DescribeClusterRequestData().setEndpointType((byte) 1));
        r.put(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, v -> new DescribeTopicPartitionsRequestData().setResponsePartitionLimit(100)
                .setTopics(List.of(new DescribeTopicPartitionsRequestData.TopicRequest().setName(TOPIC))));
        r.put(ApiKeys.DESCRIBE_LOG_DIRS, v -> new DescribeLogDirsRequestData().setTopics(null));
        r.put(ApiKeys.DESCRIBE_PRODUCERS, v -> {
            DescribeProducersRequestData data = new DescribeProducersRequestData();
            data.topics().add(new DescribeProducersRequestData.TopicRequest().setName(TOPIC).setPartitionIndexes(List.of(0)));
            return data;
        });
        r.put(ApiKeys.INIT_PRODUCER_ID, v -> new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60000));
        groupRequests(r);
        transactionRequests(r);
        return r;
    }

    /** Transaction APIs for an id with no transaction (coordinator errors are answers too). */
    private static void transactionRequests(Map<ApiKeys, Function<Short, ApiMessage>> r) {
        r.put(ApiKeys.ADD_PARTITIONS_TO_TXN, v -> {
            AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection topics =
                    new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection();
            topics.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic().setName(TOPIC).setPartitions(List.of(0)));
            if (v < 4) {
                return new AddPartitionsToTxnRequestData().setV3AndBelowTransactionalId("pv-txn")
                        .setV3AndBelowProducerId(1).setV3AndBelowProducerEpoch((short) 0).setV3AndBelowTopics(topics);
            }
            AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection transactions =
                    new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection();
            transactions.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction().setTransactionalId("pv-txn")
                    .setProducerId(1).setProducerEpoch((short) 0).setVerifyOnly(true).setTopics(topics));
            return new AddPartitionsToTxnRequestData().setTransactions(transactions);
        });
        r.put(ApiKeys.ADD_OFFSETS_TO_TXN, v -> new AddOffsetsToTxnRequestData().setTransactionalId("pv-txn")
                .setProducerId(1).setProducerEpoch((short) 0).setGroupId("pv"));
        r.put(ApiKeys.END_TXN, v -> new EndTxnRequestData().setTransactionalId("pv-txn").setProducerId(1)
                .setProducerEpoch((short) 0).setCommitted(false));
        r.put(ApiKeys.WRITE_TXN_MARKERS, v -> new WriteTxnMarkersRequestData().setMarkers(List.of(
                new WriteTxnMarkersRequestData.WritableTxnMarker().setProducerId(1).setProducerEpoch((short) 0)
                        .setTransactionResult(false).setCoordinatorEpoch(0).setTopics(List.of(
                                new WriteTxnMarkersRequestData.WritableTxnMarkerTopic().setName(TOPIC)
                                        .setPartitionIndexes(List.of(0)))))));
        r.put(ApiKeys.TXN_OFFSET_COMMIT, v -> new TxnOffsetCommitRequestData().setTransactionalId("pv-txn")
                .setGroupId("pv").setProducerId(1).setProducerEpoch((short) 0).setTopics(List.of(
                        new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic().setName(v >= 6 ? "" : TOPIC)
                                .setTopicId(v >= 6 ? topicId : Uuid.ZERO_UUID).setPartitions(List.of(
                                        new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition()
                                                .setPartitionIndex(0).setCommittedOffset(0))))));
        r.put(ApiKeys.DESCRIBE_TRANSACTIONS, v -> new DescribeTransactionsRequestData().setTransactionalIds(List.of("pv-txn")));
        r.put(ApiKeys.LIST_TRANSACTIONS, v -> new ListTransactionsRequestData());
    }

    /** Group APIs; unknown members keep JoinGroup from waiting for a rebalance. */
    private static void groupRequests(Map<ApiKeys, Function<Short, ApiMessage>> r) {
        r.put(ApiKeys.FIND_COORDINATOR, v -> v >= 4
                ? new FindCoordinatorRequestData().setCoordinatorKeys(List.of("pv"))
                : new FindCoordinatorRequestData().setKey("pv"));
        r.put(ApiKeys.OFFSET_COMMIT, v -> new OffsetCommitRequestData().setGroupId("pv").setGenerationIdOrMemberEpoch(-1)
                .setMemberId("").setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic()
                        .setName(v >= 10 ? "" : TOPIC).setTopicId(v >= 10 ? topicId : Uuid.ZERO_UUID)
                        .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                .setPartitionIndex(0).setCommittedOffset(0))))));
        r.put(ApiKeys.OFFSET_FETCH, v -> v >= 8
                ? new OffsetFetchRequestData().setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup()
                        .setGroupId("pv").setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics()
                                .setName(v >= 10 ? "" : TOPIC).setTopicId(v >= 10 ? topicId : Uuid.ZERO_UUID)
                                .setPartitionIndexes(List.of(0))))))
                : new OffsetFetchRequestData().setGroupId("pv").setTopics(List.of(
                        new OffsetFetchRequestData.OffsetFetchRequestTopic().setName(TOPIC).setPartitionIndexes(List.of(0)))));
        r.put(ApiKeys.OFFSET_DELETE, v -> {
            OffsetDeleteRequestData data = new OffsetDeleteRequestData().setGroupId("pv");
            data.topics().add(new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName(TOPIC).setPartitions(List.of(
                    new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(0))));
            return data;
        });
        r.put(ApiKeys.JOIN_GROUP, v -> {
            JoinGroupRequestData data = new JoinGroupRequestData().setGroupId("pv-join").setMemberId("unknown")
                    .setProtocolType("consumer").setSessionTimeoutMs(10000).setRebalanceTimeoutMs(10000);
            data.protocols().add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(new byte[0]));
            return data;
        });
        r.put(ApiKeys.SYNC_GROUP, v -> new SyncGroupRequestData().setGroupId("pv").setMemberId("m").setGenerationId(1));
        r.put(ApiKeys.HEARTBEAT, v -> new HeartbeatRequestData().setGroupId("pv").setMemberId("m").setGenerationId(1));
        r.put(ApiKeys.LEAVE_GROUP, v -> v >= 3
                ? new LeaveGroupRequestData().setGroupId("pv").setMembers(List.of(
                        new LeaveGroupRequestData.MemberIdentity().setMemberId("m")))
                : new LeaveGroupRequestData().setGroupId("pv").setMemberId("m"));
        r.put(ApiKeys.LIST_GROUPS, v -> new ListGroupsRequestData());
        r.put(ApiKeys.DESCRIBE_GROUPS, v -> new DescribeGroupsRequestData().setGroups(List.of("pv", "absent")));
        r.put(ApiKeys.DELETE_GROUPS, v -> new DeleteGroupsRequestData().setGroupsNames(List.of("absent")));
        r.put(ApiKeys.CONSUMER_GROUP_HEARTBEAT, v -> new ConsumerGroupHeartbeatRequestData().setGroupId("pv-consumer")
                .setMemberId("pv-member-" + v).setMemberEpoch(0).setRebalanceTimeoutMs(10_000)
                .setSubscribedTopicNames(List.of(TOPIC)).setTopicPartitions(List.of()));
        r.put(ApiKeys.CONSUMER_GROUP_DESCRIBE, v -> new ConsumerGroupDescribeRequestData()
                .setGroupIds(List.of("pv-consumer", "absent")));
    }
}
