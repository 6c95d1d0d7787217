package io.runnel.coordinator.group;

import io.runnel.coordinator.group.consumer.ConsumerGroupSettings;
import io.runnel.coordinator.group.consumer.HeartbeatContext;
import io.runnel.coordinator.runtime.InMemoryCoordinatorLog;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import io.runnel.testkit.ManualTime;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The coordinator over a real runtime and an in-memory log: routing, error answers, reload on election. */
class GroupCoordinatorTest {
    private final ManualTime time = new ManualTime();
    private final InMemoryCoordinatorLog log = new InMemoryCoordinatorLog();
    private final GroupCoordinator coordinator = new GroupCoordinator(
            new GroupConfig(60_000, 600_000, 4096, 1000, 60_000, 0, 100), ConsumerGroupSettings.defaults(), 3, 2,
            log, time);

    @AfterEach
    void close() {
        coordinator.close();
    }

    @Test
    void requestsForAPartitionNotLedHereAnswerNotCoordinator() throws Exception {
        assertThat(join("g", "").get(5, TimeUnit.SECONDS).errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(coordinator.heartbeat(new HeartbeatRequestData().setGroupId("g").setMemberId("m"))
                .get(5, TimeUnit.SECONDS).errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(coordinator.commitOffsets(OffsetStoreTest.commit("g", -1, "", 1, "")).get(5, TimeUnit.SECONDS)
                .topics().get(0).partitions().get(0).errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
    }

    @Test
    void offsetsAndGroupsAreReloadedWhenThePartitionIsLedAgain() throws Exception {
        int partition = coordinator.partitionFor("g");
        elect(partition, 0);
        assertThat(OffsetStoreTest.errors(coordinator.commitOffsets(OffsetStoreTest.commit("g", -1, "", 9, "x"))
                .get(5, TimeUnit.SECONDS))).containsOnly(Errors.NONE);
        coordinator.onResignation(partition);
        elect(partition, 1);
        OffsetFetchResponseGroup fetched = coordinator.fetchOffsets(OffsetStoreTest.fetch("g", 0), false).get(5, TimeUnit.SECONDS);
        assertThat(fetched.topics().get(0).partitions().get(0).committedOffset()).isEqualTo(9);
        var listed = coordinator.listGroups(Set.of("empty"), Set.of("Classic")).get(5, TimeUnit.SECONDS);
        assertThat(listed.error()).isEqualTo(Errors.NONE);
        assertThat(listed.groups()).extracting(ListedGroup::groupId).containsExactly("g");
    }

    @Test
    void transactionalOffsetsBecomeVisibleOnTheCommitMarkerAndSurviveARelection() throws Exception {
        int partition = coordinator.partitionFor("g");
        assertThat(TxnOffsetCommitTest.errors(coordinator.txnOffsetCommit(TxnOffsetCommitTest.txnCommit("g", -1, "", 7))
                .get(5, TimeUnit.SECONDS))).containsOnly(Errors.NOT_COORDINATOR);
        elect(partition, 0);
        assertThat(TxnOffsetCommitTest.errors(coordinator.txnOffsetCommit(TxnOffsetCommitTest.txnCommit("g", -1, "", 7))
                .get(5, TimeUnit.SECONDS))).containsOnly(Errors.NONE);
        assertThat(fetched(true).errorCode()).isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT.code());

        coordinator.onResignation(partition);
        elect(partition, 1);
        assertThat(fetched(true).errorCode()).isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT.code());
        coordinator.completeTransaction(partition, 1000, (short) 0, true, 0).get(5, TimeUnit.SECONDS);
        assertThat(fetched(true).committedOffset()).isEqualTo(7);

        coordinator.onResignation(partition);
        elect(partition, 2);
        assertThat(fetched(true).committedOffset()).isEqualTo(7);
    }

    @Test
    void aStableOffsetFetchWaitsForEarlierCommitsToBeCommitted() throws Exception {
        elect(coordinator.partitionFor("g"), 0);
        log.holdCommits(true);
        coordinator.commitOffsets(OffsetStoreTest.commit("g", -1, "", 9, ""));
        CompletableFuture<OffsetFetchResponseGroup> stable = coordinator.fetchOffsets(OffsetStoreTest.fetch("g", 0), true);
        assertThat(fetched(false).committedOffset()).isEqualTo(9); // a plain fetch answers at once
        assertThat(stable).isNotDone();
        log.releaseCommits();
        assertThat(stable.get(5, TimeUnit.SECONDS).topics().get(0).partitions().get(0).committedOffset()).isEqualTo(9);
    }

    private OffsetFetchResponsePartitions fetched(boolean requireStable) throws Exception {
        return coordinator.fetchOffsets(OffsetStoreTest.fetch("g", 0), requireStable).get(5, TimeUnit.SECONDS)
                .topics().get(0).partitions().get(0);
    }

    @Test
    void aJoinWaitingForARebalanceIsAnsweredNotCoordinatorWhenThePartitionMovesAway() throws Exception {
        int partition = coordinator.partitionFor("g");
        elect(partition, 0);
        String memberId = join("g", "").get(5, TimeUnit.SECONDS).memberId();
        join("g", memberId).get(5, TimeUnit.SECONDS); // generation 1, awaiting sync
        String second = join("g", "").get(5, TimeUnit.SECONDS).memberId();
        CompletableFuture<JoinGroupResponseData> waiting = join("g", second); // waits for the first member
        coordinator.onResignation(partition);
        assertThat(waiting.get(5, TimeUnit.SECONDS).errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
    }

    @Test
    void consumerGroupsAreServedOverTheRuntimeAndSeeMetadataUpdates() throws Exception {
        HeartbeatContext context = new HeartbeatContext((short) 1, "client", "/127.0.0.1");
        ConsumerGroupHeartbeatRequestData join = new ConsumerGroupHeartbeatRequestData().setGroupId("g")
                .setMemberId("m").setMemberEpoch(0).setRebalanceTimeoutMs(10_000)
                .setSubscribedTopicNames(List.of("t")).setTopicPartitions(List.of());
        assertThat(coordinator.consumerGroupHeartbeat(join, context).get(5, TimeUnit.SECONDS).errorCode())
                .isEqualTo(Errors.NOT_COORDINATOR.code());
        elect(coordinator.partitionFor("g"), 0);

        ConsumerGroupHeartbeatResponseData joined = coordinator.consumerGroupHeartbeat(join, context)
                .get(5, TimeUnit.SECONDS);
        assertThat(joined.errorCode()).isZero();
        assertThat(joined.assignment().topicPartitions()).isEmpty();

        TopicImage topic = new TopicImage("t", Uuid.randomUuid(), Map.of(0, new PartitionRegistration(
                List.of(0), List.of(0), 0, 0, 0)));
        MetadataImage empty = MetadataImage.empty("c");
        coordinator.onMetadataUpdate(empty, new MetadataImage("c", 1, Map.of(), Map.of("t", topic),
                Map.of(topic.id(), topic), Map.of(), 0));
        await().until(() -> coordinator.consumerGroupDescribe(List.of("g")).get().get(0).groupState()
                .equals("Assigning"));
        ConsumerGroupHeartbeatResponseData assigned = coordinator.consumerGroupHeartbeat(
                new ConsumerGroupHeartbeatRequestData().setGroupId("g").setMemberId("m")
                        .setMemberEpoch(joined.memberEpoch()).setTopicPartitions(List.of()), context)
                .get(5, TimeUnit.SECONDS);
        assertThat(assigned.assignment().topicPartitions()).singleElement()
                .satisfies(tp -> assertThat(tp.partitions()).containsExactly(0));
        Errors absent = coordinator.partitionFor("absent") == coordinator.partitionFor("g")
                ? Errors.GROUP_ID_NOT_FOUND : Errors.NOT_COORDINATOR;
        assertThat(coordinator.consumerGroupDescribe(List.of("absent", "g")).get(5, TimeUnit.SECONDS))
                .extracting(g -> Errors.forCode(g.errorCode())).containsExactly(absent, Errors.NONE);
    }

    private void elect(int partition, int epoch) {
        coordinator.onElection(partition, epoch);
        await().until(() -> coordinator.read("g", s -> true).handle((ok, e) -> e == null).get());
    }

    private CompletableFuture<JoinGroupResponseData> join(String group, String memberId) {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName("range").setMetadata(new byte[0]));
        return coordinator.joinGroup(new JoinGroupRequestData().setGroupId(group).setMemberId(memberId)
                .setProtocolType("consumer").setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(10_000)
                .setProtocols(protocols), (short) 9, "client", "/127.0.0.1");
    }
}
