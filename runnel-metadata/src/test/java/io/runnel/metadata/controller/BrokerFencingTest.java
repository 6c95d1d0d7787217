package io.runnel.metadata.controller;

import io.runnel.metadata.BrokerHeartbeat;
import io.runnel.metadata.BrokerHeartbeatReply;
import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.Images;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.QuorumSettings;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.raft.RaftNode;
import io.runnel.metadata.record.BrokerFencingRecord;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.PartitionChangeRecord;
import io.runnel.testkit.ManualTime;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.DuplicateBrokerRegistrationException;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Registration, heartbeats and session expiry on the controller thread, with a manual clock. */
class BrokerFencingTest {
    private static final long SESSION_MS = 9000;
    private static final QuorumSettings SETTINGS = new QuorumSettings(0, Map.of(), Path.of("unused"), List.of(),
            1, (short) 1, Map.of(), SESSION_MS);
    private static final InetSocketAddress UNUSED = InetSocketAddress.createUnresolved("unused", 1);

    private final ManualTime time = new ManualTime();
    private final FakeLog log = new FakeLog(MetadataImage.empty("test-cluster"), true);
    private QuorumController controller;

    @BeforeEach
    void start() {
        controller = new QuorumController(SETTINGS, log, log::committed, new Random(0), time);
        controller.becomeActive(-1);
    }

    @AfterEach
    void close() {
        controller.close();
    }

    @Test
    void aNewBrokerIsFencedUntilItsFirstHeartbeat() throws Exception {
        BrokerRegistration broker = Images.broker(1);
        register(broker);
        assertThat(log.committed().brokers().get(1).fenced()).isTrue();

        BrokerHeartbeatReply reply = heartbeat(broker, false);
        assertThat(reply).isEqualTo(new BrokerHeartbeatReply(Errors.NONE, false, false));
        assertThat(log.committed().brokers().get(1).fenced()).isFalse();
    }

    @Test
    void aBrokerBehindTheCommittedOffsetStaysFenced() throws Exception {
        BrokerRegistration broker = Images.broker(1);
        register(broker);
        BrokerHeartbeatReply reply = controller.brokerHeartbeat(new BrokerHeartbeat(1, broker.incarnationId(),
                log.committed().offset() - 1, false, false)).get(5, TimeUnit.SECONDS);
        assertThat(reply.fenced()).isTrue();
        assertThat(log.committed().brokers().get(1).fenced()).isTrue();
    }

    @Test
    void aBrokerThatMissesItsSessionIsFenced() throws Exception {
        BrokerRegistration quiet = Images.broker(1);
        BrokerRegistration chatty = Images.broker(2);
        register(quiet);
        register(chatty);
        heartbeat(quiet, false);
        heartbeat(chatty, false);

        time.advance(SESSION_MS / 2);
        heartbeat(chatty, false);
        time.advance(SESSION_MS / 2);
        controller.checkSessions();
        assertThat(log.committed().brokers().get(1).fenced()).as("exactly at the timeout").isFalse();

        time.advance(1);
        controller.checkSessions();
        await().atMost(5, TimeUnit.SECONDS).until(() -> log.committed().brokers().get(1).fenced());
        assertThat(log.committed().brokers().get(2).fenced()).isFalse();
        assertThat(log.appended()).contains(List.of(new BrokerFencingRecord(1, quiet.incarnationId(), true)));

        assertThat(heartbeat(quiet, false).fenced()).as("a heartbeat unfences it again").isFalse();
    }

    @Test
    void aBrokerSilentOnHeartbeatsAndRaftIsFencedAfterHalfItsSession() throws Exception {
        Map<Integer, Long> raftSilenceMs = new ConcurrentHashMap<>();
        FakeLog quorumLog = new FakeLog(MetadataImage.empty("test-cluster"), true);
        try (QuorumController withQuorum = new QuorumController(SETTINGS, quorumLog, quorumLog::committed,
                () -> Map.copyOf(raftSilenceMs), new Random(0), time)) {
            withQuorum.becomeActive(-1);
            List<BrokerRegistration> brokers = List.of(Images.broker(1), Images.broker(2), Images.broker(3));
            for (BrokerRegistration broker : brokers) {
                withQuorum.registerBroker(broker, true).get(5, TimeUnit.SECONDS);
                withQuorum.brokerHeartbeat(new BrokerHeartbeat(broker.id(), broker.incarnationId(),
                        quorumLog.committed().offset(), false, false)).get(5, TimeUnit.SECONDS);
            }
            time.advance(SESSION_MS / 2 + 1);
            // 1: silent to Raft too (gone); 2: answers Raft (only its heartbeats are late);
            // 3: silent to Raft but heartbeating.
            raftSilenceMs.put(1, SESSION_MS / 2 + 1);
            raftSilenceMs.put(2, 10L);
            raftSilenceMs.put(3, SESSION_MS / 2 + 1);
            BrokerRegistration heartbeating = brokers.get(2);
            withQuorum.brokerHeartbeat(new BrokerHeartbeat(3, heartbeating.incarnationId(),
                    quorumLog.committed().offset(), false, false)).get(5, TimeUnit.SECONDS);
            withQuorum.checkSessions();

            await().atMost(5, TimeUnit.SECONDS).until(() -> quorumLog.committed().brokers().get(1).fenced());
            assertThat(quorumLog.committed().brokers().get(2).fenced()).as("Raft still hears from it").isFalse();
            assertThat(quorumLog.committed().brokers().get(3).fenced()).as("its heartbeats arrive").isFalse();

            time.advance(SESSION_MS / 2);
            withQuorum.checkSessions();
            await().atMost(5, TimeUnit.SECONDS).until(() -> quorumLog.committed().brokers().get(2).fenced());
        }
    }

    @Test
    void aReplicaWhoseLogFailedLeavesItsIsrAndLeadershipUnlessItIsTheLast() throws Exception {
        List<BrokerRegistration> brokers = List.of(Images.broker(1), Images.broker(2));
        for (BrokerRegistration broker : brokers) {
            register(broker);
            heartbeat(broker, false);
        }
        CreateTopicsRequestData request = new CreateTopicsRequestData();
        for (String name : List.of("replicated", "single")) {
            CreateTopicsRequestData.CreatableTopic topic = new CreateTopicsRequestData.CreatableTopic().setName(name)
                    .setNumPartitions(-1).setReplicationFactor((short) -1);
            topic.assignments().add(new CreateTopicsRequestData.CreatableReplicaAssignment().setPartitionIndex(0)
                    .setBrokerIds(name.equals("single") ? List.of(1) : List.of(1, 2)));
            request.topics().add(topic);
        }
        controller.createTopics(request).get(5, TimeUnit.SECONDS);

        BrokerRegistration failing = brokers.get(0);
        controller.brokerHeartbeat(new BrokerHeartbeat(1, failing.incarnationId(), log.committed().offset(), false,
                false, Set.of(new TopicIdPartition(log.committed().topicsByName().get("replicated").id(), 0, null),
                new TopicIdPartition(log.committed().topicsByName().get("single").id(), 0, null))))
                .get(5, TimeUnit.SECONDS);

        PartitionRegistration replicated = log.committed().topicsByName().get("replicated").partitions().get(0);
        assertThat(replicated.leader()).as("moved to the other replica").isEqualTo(2);
        assertThat(replicated.isr()).containsExactly(2);
        PartitionRegistration single = log.committed().topicsByName().get("single").partitions().get(0);
        assertThat(single.leader()).as("no other replica holds its records").isEqualTo(1);
        assertThat(single.isr()).containsExactly(1);
        assertThat(log.committed().brokers().get(1).fenced()).as("only those replicas are affected").isFalse();
    }

    @Test
    void aLiveBrokerCannotBeRegisteredByAnotherIncarnation() throws Exception {
        BrokerRegistration first = Images.broker(1);
        register(first);
        heartbeat(first, false);
        BrokerRegistration second = new BrokerRegistration(1, Uuid.randomUuid(), first.endpoints(), null, false);

        assertThatThrownBy(() -> register(second)).hasCauseInstanceOf(DuplicateBrokerRegistrationException.class);
        assertThat(log.committed().brokers().get(1).incarnationId()).isEqualTo(first.incarnationId());

        time.advance(SESSION_MS + 1);
        controller.checkSessions();
        await().atMost(5, TimeUnit.SECONDS).until(() -> log.committed().brokers().get(1).fenced());
        register(second);
        assertThat(log.committed().brokers().get(1).incarnationId()).isEqualTo(second.incarnationId());
        assertThat(heartbeat(first, false).error()).as("the old incarnation is stale")
                .isEqualTo(Errors.STALE_BROKER_EPOCH);
        assertThat(heartbeat(second, false).fenced()).isFalse();
    }

    @Test
    void aRestartedNodeReplacesItsCrashedIncarnationAtOnce() throws Exception {
        // One voter. Brokers 0 (this node, SETTINGS.nodeId()) and 1 were unfenced when the process died.
        FakeLog recovered = new FakeLog(Images.withBrokers(2), true);
        try (QuorumController restarted = new QuorumController(SETTINGS, recovered, recovered::committed,
                new Random(0), time)) {
            restarted.becomeActive(-1);
            BrokerRegistration self = Images.broker(0);
            restarted.registerBroker(self, true).get(5, TimeUnit.SECONDS);
            assertThat(recovered.committed().brokers().get(0).incarnationId()).isEqualTo(self.incarnationId());
            assertThatThrownBy(() -> restarted.registerBroker(Images.broker(1), true).get(5, TimeUnit.SECONDS))
                    .as("another node may still be alive: its session starts afresh")
                    .hasCauseInstanceOf(DuplicateBrokerRegistrationException.class);
        }
    }

    @Test
    void withSeveralVotersTheOwnNodeWaitsOutItsOldSession() throws Exception {
        QuorumSettings threeVoters = new QuorumSettings(0, Map.of(0, UNUSED, 1, UNUSED, 2, UNUSED), Path.of("unused"),
                List.of(), 1, (short) 1, Map.of(), SESSION_MS);
        FakeLog recovered = new FakeLog(Images.withBrokers(1), true);
        try (QuorumController failedOver = new QuorumController(threeVoters, recovered, recovered::committed,
                new Random(0), time)) {
            failedOver.becomeActive(-1);
            assertThatThrownBy(() -> failedOver.registerBroker(Images.broker(0), true).get(5, TimeUnit.SECONDS))
                    .as("this node's broker may have registered through the previous controller")
                    .hasCauseInstanceOf(DuplicateBrokerRegistrationException.class);
        }
    }

    @Test
    void afterAFailoverThePreviousLeadersSessionCountsItsSilenceBeforeTheElection() throws Exception {
        QuorumSettings threeVoters = new QuorumSettings(0, Map.of(0, UNUSED, 1, UNUSED, 2, UNUSED), Path.of("unused"),
                List.of(), 1, (short) 1, Map.of(), SESSION_MS);
        FakeLog recovered = new FakeLog(Images.withBrokers(3), true);
        try (QuorumController failedOver = new QuorumController(threeVoters, recovered, recovered::committed,
                new Random(0), time)) {
            failedOver.becomeActive(1);
            BrokerRegistration other = recovered.committed().brokers().get(2);
            failedOver.brokerHeartbeat(new BrokerHeartbeat(2, other.incarnationId(), recovered.committed().offset(),
                    false, false)).get(5, TimeUnit.SECONDS);
            time.advance(SESSION_MS - RaftNode.MIN_ELECTION_TIMEOUT_MS + 1);
            failedOver.checkSessions();

            await().atMost(5, TimeUnit.SECONDS).until(() -> recovered.committed().brokers().get(1).fenced());
            assertThat(recovered.committed().brokers().get(2).fenced()).as("other brokers start afresh").isFalse();

            time.advance(RaftNode.MIN_ELECTION_TIMEOUT_MS + RaftNode.FORWARD_TIMEOUT_MS - 1);
            failedOver.checkSessions();
            failedOver.brokerHeartbeat(new BrokerHeartbeat(2, other.incarnationId(), recovered.committed().offset(),
                    false, false)).get(5, TimeUnit.SECONDS);
            assertThat(recovered.committed().brokers().get(0).fenced())
                    .as("a heartbeat may have been stuck at the previous leader for a forwarding timeout").isFalse();
            time.advance(1);
            failedOver.checkSessions();
            await().atMost(5, TimeUnit.SECONDS).until(() -> recovered.committed().brokers().get(0).fenced());
        }
    }

    @Test
    void aStoppingBrokerIsFencedAtOnceAndCanBeReplaced() throws Exception {
        BrokerRegistration first = Images.broker(1);
        register(first);
        heartbeat(first, false);

        BrokerHeartbeatReply reply = heartbeat(first, true);
        assertThat(reply).isEqualTo(new BrokerHeartbeatReply(Errors.NONE, true, true));
        assertThat(log.committed().brokers().get(1).fenced()).isTrue();
        register(new BrokerRegistration(1, Uuid.randomUuid(), first.endpoints(), null, false));
    }

    @Test
    void fencedBrokersGetNoNewReplicas() throws Exception {
        BrokerRegistration live = Images.broker(1);
        register(live);
        register(Images.broker(2));
        heartbeat(live, false);

        CreateTopicsRequestData request = new CreateTopicsRequestData();
        request.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("t").setNumPartitions(4)
                .setReplicationFactor((short) 1));
        CreateTopicsResponseData response = controller.createTopics(request).get(5, TimeUnit.SECONDS);
        assertThat(response.topics().find("t").errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(log.committed().topicsByName().get("t").partitions().values())
                .allSatisfy(p -> assertThat(p.replicas()).containsExactly(1));

        request.topics().clear();
        request.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("u").setNumPartitions(1)
                .setReplicationFactor((short) 2));
        assertThat(controller.createTopics(request).get(5, TimeUnit.SECONDS).topics().find("u").errorCode())
                .isEqualTo(Errors.INVALID_REPLICATION_FACTOR.code());
    }

    @Test
    void fencingMovesLeadershipInTheSameBatchAndUnfencingRestoresTheLastIsrMember() throws Exception {
        List<BrokerRegistration> brokers = List.of(Images.broker(1), Images.broker(2));
        for (BrokerRegistration broker : brokers) {
            register(broker);
            heartbeat(broker, false);
        }
        CreateTopicsRequestData request = new CreateTopicsRequestData();
        request.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("t").setNumPartitions(2)
                .setReplicationFactor((short) 2));
        controller.createTopics(request).get(5, TimeUnit.SECONDS);

        // Broker 1 stops heartbeating: one batch fences it and hands its leaderships to 2.
        time.advance(SESSION_MS / 2);
        heartbeat(brokers.get(1), false);
        time.advance(SESSION_MS / 2 + 1);
        controller.checkSessions();
        await().atMost(5, TimeUnit.SECONDS).until(() -> log.committed().brokers().get(1).fenced());
        List<MetadataRecord> batch = log.appended().get(log.appended().size() - 1);
        assertThat(batch.get(0)).isEqualTo(new BrokerFencingRecord(1, brokers.get(0).incarnationId(), true));
        assertThat(batch).hasSize(3).allSatisfy(r -> assertThat(r).isInstanceOfAny(BrokerFencingRecord.class,
                PartitionChangeRecord.class));
        assertThat(partitions()).allSatisfy(p -> {
            assertThat(p.leader()).isEqualTo(2);
            assertThat(p.isr()).containsExactly(2);
        });

        // Broker 2 shuts down: leaderless, 2 eligible, by the time the reply says it may stop.
        BrokerHeartbeatReply reply = heartbeat(brokers.get(1), true);
        assertThat(reply.shouldShutDown()).isTrue();
        assertThat(partitions()).allSatisfy(p -> {
            assertThat(p.leader()).isEqualTo(-1);
            assertThat(p.isr()).isEmpty();
            assertThat(p.elr()).containsExactly(2);
        });

        assertThat(heartbeat(brokers.get(0), false).fenced()).isFalse();
        assertThat(partitions()).as("1 may lack committed records").allSatisfy(p -> assertThat(p.leader()).isEqualTo(-1));
        BrokerRegistration restarted = new BrokerRegistration(2, Uuid.randomUuid(), brokers.get(1).endpoints(), null, false);
        register(restarted);
        heartbeat(restarted, false);
        assertThat(partitions()).allSatisfy(p -> {
            assertThat(p.leader()).isEqualTo(2);
            assertThat(p.partitionEpoch()).as("three changes: 1 out of the ISR, leaderless, 2 back").isEqualTo(3);
            assertThat(p.leaderEpoch()).as("one bump per leader change").isEqualTo(p.replicas().get(0) == 1 ? 3 : 2);
        });
    }

    @Test
    void aReturningPreferredLeaderLeadsAgainOnceBackInTheIsr() throws Exception {
        List<BrokerRegistration> brokers = List.of(Images.broker(1), Images.broker(2));
        for (BrokerRegistration broker : brokers) {
            register(broker);
            heartbeat(broker, false);
        }
        CreateTopicsRequestData request = new CreateTopicsRequestData();
        request.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("t")
                .setAssignments(new CreateTopicsRequestData.CreatableReplicaAssignmentCollection(List.of(
                        new CreateTopicsRequestData.CreatableReplicaAssignment().setPartitionIndex(0)
                                .setBrokerIds(List.of(1, 2))).iterator()))
                .setNumPartitions(-1).setReplicationFactor((short) -1));
        controller.createTopics(request).get(5, TimeUnit.SECONDS);

        heartbeat(brokers.get(0), true);
        register(brokers.get(0));
        heartbeat(brokers.get(0), false);
        controller.balanceLeaders();
        assertThat(partitions()).singleElement().satisfies(p -> {
            assertThat(p.leader()).as("1 is not in the ISR yet").isEqualTo(2);
            assertThat(p.isr()).containsExactly(2);
        });

        PartitionRegistration p = partitions().iterator().next();
        AlterPartitionRequestData expand = new AlterPartitionRequestData().setBrokerId(2).setBrokerEpoch(-1);
        expand.topics().add(new AlterPartitionRequestData.TopicData()
                .setTopicId(log.committed().topicsByName().get("t").id())
                .setPartitions(List.of(new AlterPartitionRequestData.PartitionData().setPartitionIndex(0)
                        .setLeaderEpoch(p.leaderEpoch()).setPartitionEpoch(p.partitionEpoch())
                        .setNewIsrWithEpochs(List.of(new AlterPartitionRequestData.BrokerState().setBrokerId(2),
                                new AlterPartitionRequestData.BrokerState().setBrokerId(1))))));
        assertThat(controller.alterPartition(expand).get(5, TimeUnit.SECONDS).topics().get(0).partitions().get(0)
                .errorCode()).isEqualTo(Errors.NONE.code());

        controller.balanceLeaders();
        await().atMost(5, TimeUnit.SECONDS).until(() -> partitions().iterator().next().leader() == 1);
        assertThat(partitions().iterator().next().leaderEpoch()).isEqualTo(p.leaderEpoch() + 1);
    }

    private java.util.Collection<PartitionRegistration> partitions() {
        return log.committed().topicsByName().get("t").partitions().values();
    }

    private void register(BrokerRegistration broker) throws Exception {
        controller.registerBroker(broker, true).get(5, TimeUnit.SECONDS);
    }

    private BrokerHeartbeatReply heartbeat(BrokerRegistration broker, boolean shutDown) throws Exception {
        return controller.brokerHeartbeat(new BrokerHeartbeat(broker.id(), broker.incarnationId(),
                log.committed().offset(), false, shutDown)).get(5, TimeUnit.SECONDS);
    }
}
