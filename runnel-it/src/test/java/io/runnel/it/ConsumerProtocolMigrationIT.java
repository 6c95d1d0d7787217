package io.runnel.it;

import io.runnel.it.harness.ChildGroupMember;
import io.runnel.it.harness.ChildJvm;
import io.runnel.it.harness.GroupConsumer;
import io.runnel.it.harness.InProcessBroker;
import io.runnel.it.harness.TempDirs;
import io.runnel.it.harness.TopicWriter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Online migration of a live group between the classic protocol and the consumer protocol
 * (KIP-848), as Kafka 4.x does it, with kafka-clients 4.4 consumers: a rolling upgrade from
 * classic to consumer members and the rolling downgrade back, neither losing a record; a classic
 * member of a converted group killed with kill -9 loses its partitions after its session
 * timeout; and {@code group.consumer.migration.policy=disabled} refuses the conversion.
 *
 * <p>Every step waits until the group, as {@code Admin.describeConsumerGroups} shows it, is
 * Stable with its members owning every partition exactly once.
 */
class ConsumerProtocolMigrationIT {
    private static final int PARTITIONS = 6;
    private static final int CLASSIC_SESSION_TIMEOUT_MS = 3_000; // ChildGroupMember's and GroupConsumer's
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Map<String, String> GROUP_SETTINGS = Map.of(
            "group.consumer.session.timeout.ms", "6000",
            "group.consumer.heartbeat.interval.ms", "500",
            "group.initial.rebalance.delay.ms", "0",
            "group.min.session.timeout.ms", "1000",
            "offsets.topic.num.partitions", "5");
    private static InProcessBroker broker;
    private static Path workDir;

    @BeforeAll
    static void start() throws Exception {
        workDir = TempDirs.create("runnel-migration-");
        broker = InProcessBroker.start(GROUP_SETTINGS);
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("upgrade", PARTITIONS, (short) 1),
                    new NewTopic("downgrade", PARTITIONS, (short) 1),
                    new NewTopic("mixed-kill", PARTITIONS, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stop() {
        try {
            if (broker != null) {
                broker.close();
            }
        } finally {
            TempDirs.delete(workDir);
        }
    }

    @Test
    void rollingUpgradeFromClassicToConsumer() throws Exception {
        String group = "upgrade-g";
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<GroupConsumer> members = new ArrayList<>();
        List<GroupType> typesAfterUpgrade = new ArrayList<>();
        try (Admin admin = broker.admin()) {
            TopicWriter.produce(broker.bootstrap(), "upgrade", PARTITIONS, 50);
            for (int i = 0; i < 3; i++) {
                members.add(GroupConsumer.classic(broker.bootstrap(), group, "upgrade", seen));
            }
            awaitSettled(admin, group, GroupType.CLASSIC, members, new ArrayList<>());
            awaitCommittedToEnd(admin, group, "upgrade");

            for (int step = 0; step < 3; step++) {
                boolean firstConsumerProtocolMember = step == 0;
                members.remove(0).close();
                if (firstConsumerProtocolMember) {
                    awaitSettled(admin, group, GroupType.CLASSIC, members, new ArrayList<>());
                } else {
                    awaitSettled(admin, group, GroupType.CONSUMER, members, typesAfterUpgrade);
                }
                members.add(GroupConsumer.consumerProtocol(broker.bootstrap(), group, "upgrade", seen));
                TopicWriter.produce(broker.bootstrap(), "upgrade", PARTITIONS, 10);
                if (firstConsumerProtocolMember) {
                    await().atMost(PATIENCE).until(() -> describe(admin, group).type() == GroupType.CONSUMER);
                }
                awaitSettled(admin, group, GroupType.CONSUMER, members, typesAfterUpgrade);
            }

            assertThat(typesAfterUpgrade).as("types once a consumer-protocol member joined")
                    .containsOnly(GroupType.CONSUMER);
            awaitEverythingReadAndCommitted(admin, group, "upgrade", seen);
        } finally {
            closeAll(members);
        }
    }

    @Test
    void rollingDowngradeFromConsumerToClassic() throws Exception {
        String group = "downgrade-g";
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<GroupConsumer> members = new ArrayList<>();
        List<GroupType> typesBeforeDowngrade = new ArrayList<>();
        try (Admin admin = broker.admin()) {
            TopicWriter.produce(broker.bootstrap(), "downgrade", PARTITIONS, 50);
            for (int i = 0; i < 3; i++) {
                members.add(GroupConsumer.consumerProtocol(broker.bootstrap(), group, "downgrade", seen));
            }
            awaitSettled(admin, group, GroupType.CONSUMER, members, typesBeforeDowngrade);
            awaitCommittedToEnd(admin, group, "downgrade");

            for (int step = 0; step < 3; step++) {
                boolean lastConsumerProtocolMember = step == 2;
                GroupType expected = lastConsumerProtocolMember ? GroupType.CLASSIC : GroupType.CONSUMER;
                List<GroupType> types = lastConsumerProtocolMember ? new ArrayList<>() : typesBeforeDowngrade;
                members.remove(0).close();
                awaitSettled(admin, group, expected, members, types);
                members.add(GroupConsumer.classic(broker.bootstrap(), group, "downgrade", seen));
                TopicWriter.produce(broker.bootstrap(), "downgrade", PARTITIONS, 10);
                awaitSettled(admin, group, expected, members, types);
            }

            assertThat(typesBeforeDowngrade).as("types while a consumer-protocol member remained")
                    .containsOnly(GroupType.CONSUMER);
            ConsumerGroupDescription downgraded = describe(admin, group);
            assertThat(downgraded.type()).isEqualTo(GroupType.CLASSIC);
            assertThat(downgraded.groupState()).isEqualTo(GroupState.STABLE);
            assertThat(downgraded.members()).hasSize(3);
            awaitEverythingReadAndCommitted(admin, group, "downgrade", seen);
        } finally {
            closeAll(members);
        }
    }

    @Test
    void classicMemberKilledInAConvertedGroupLosesItsPartitionsAfterItsSessionTimeout() throws Exception {
        String group = "mixed-kill-g";
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<GroupConsumer> members = new ArrayList<>();
        Path childDir = Files.createTempDirectory(workDir, "classic-member-");
        Process child = null;
        try (Admin admin = broker.admin()) {
            TopicWriter.produce(broker.bootstrap(), "mixed-kill", PARTITIONS, 10);
            members.add(GroupConsumer.classic(broker.bootstrap(), group, "mixed-kill", seen));
            child = ChildJvm.start(childDir, ChildGroupMember.class.getName(),
                    List.of(broker.bootstrap(), group, "mixed-kill", "classic", RangeAssignor.class.getName()));
            await().atMost(PATIENCE).until(() -> describe(admin, group).members().size() == 2
                    && childAssignment(childDir) > 0);

            members.add(GroupConsumer.consumerProtocol(broker.bootstrap(), group, "mixed-kill", seen));
            awaitSettled(admin, group, GroupType.CONSUMER, 3, 2, new ArrayList<>()); // with the child, 2 classic
            await().atMost(PATIENCE).until(() -> {
                int owned = childAssignment(childDir);
                return owned > 0 && owned < PARTITIONS;
            });

            child.destroyForcibly().waitFor(); // SIGKILL: no LeaveGroup, its session must expire
            long killedAt = System.nanoTime();
            awaitSettled(admin, group, GroupType.CONSUMER, members, new ArrayList<>());
            assertThat(Duration.ofNanos(System.nanoTime() - killedAt))
                    .isGreaterThan(Duration.ofMillis(CLASSIC_SESSION_TIMEOUT_MS / 2));
            await().atMost(PATIENCE).until(() -> seen.size() == PARTITIONS * 10);
        } finally {
            if (child != null) {
                child.destroyForcibly();
            }
            closeAll(members);
        }
    }

    /**
     * The broker answers the consumer-protocol join GROUP_ID_NOT_FOUND; kafka-clients 4.4 logs it,
     * moves the member to its fatal state and throws it from the next poll().
     */
    @Test
    void disabledMigrationPolicyKeepsAClassicGroupClassic() throws Exception {
        Map<String, String> settings = new HashMap<>(GROUP_SETTINGS);
        settings.put("group.consumer.migration.policy", "DISABLED"); // values are case-insensitive
        String group = "policy-g";
        Set<String> seen = ConcurrentHashMap.newKeySet();
        try (InProcessBroker strict = InProcessBroker.start(settings); Admin admin = strict.admin()) {
            admin.createTopics(List.of(new NewTopic("policy", PARTITIONS, (short) 1))).all().get();
            List<GroupConsumer> members = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    members.add(GroupConsumer.classic(strict.bootstrap(), group, "policy", seen));
                }
                ConsumerGroupDescription before = awaitSettled(admin, group, GroupType.CLASSIC, members,
                        new ArrayList<>());
                List<Set<TopicPartition>> clientAssignments = members.stream().map(GroupConsumer::assignment).toList();

                try (KafkaConsumer<String, String> refused = consumerProtocolMember(strict.bootstrap(), group)) {
                    refused.subscribe(List.of("policy"));
                    KafkaException error = await().atMost(PATIENCE).until(() -> pollError(refused), e -> e != null);
                    assertThat(error).isInstanceOf(GroupIdNotFoundException.class);
                }

                ConsumerGroupDescription after = describe(admin, group);
                assertThat(after.type()).isEqualTo(GroupType.CLASSIC);
                assertThat(after.groupState()).isEqualTo(GroupState.STABLE);
                assertThat(ownership(after)).isEqualTo(ownership(before));
                assertThat(members.stream().map(GroupConsumer::assignment).toList()).isEqualTo(clientAssignments);
            } finally {
                closeAll(members); // before their broker stops, or each would wait out its close timeout
            }
        }
    }

    /**
     * Waits until the group is Stable, of {@code type}, and has exactly {@code members.size()}
     * members that each own at least one partition and together own every partition once, both as
     * Admin describes it and as the clients see it; in a consumer group, the members that use the
     * classic protocol must be described as such. Every type described on the way is added to
     * {@code typesSeen}, so a caller can check the group never had another.
     */
    private static ConsumerGroupDescription awaitSettled(Admin admin, String group, GroupType type,
                                                         List<GroupConsumer> members, List<GroupType> typesSeen) {
        int classic = (int) members.stream().filter(m -> !m.usesConsumerProtocol()).count();
        ConsumerGroupDescription settled = awaitSettled(admin, group, type, members.size(), classic, typesSeen);
        GroupConsumer.awaitSplit(members, PARTITIONS);
        return settled;
    }

    /** As above, as Admin describes the group only, for groups with members outside this JVM. */
    private static ConsumerGroupDescription awaitSettled(Admin admin, String group, GroupType type, int members,
                                                         int classicMembers, List<GroupType> typesSeen) {
        AtomicReference<ConsumerGroupDescription> last = new AtomicReference<>();
        await().atMost(PATIENCE).untilAsserted(() -> {
            ConsumerGroupDescription description = describe(admin, group);
            typesSeen.add(description.type());
            last.set(description);
            assertThat(description.type()).isEqualTo(type);
            assertThat(description.groupState()).isEqualTo(GroupState.STABLE);
            assertThat(description.members()).hasSize(members)
                    .allSatisfy(m -> assertThat(m.assignment().topicPartitions()).isNotEmpty());
            assertThat(description.members().stream().flatMap(m -> m.assignment().topicPartitions().stream()))
                    .hasSize(PARTITIONS).doesNotHaveDuplicates();
            if (type == GroupType.CONSUMER) {
                assertThat(description.members()).as("classic members (upgraded=false)")
                        .filteredOn(m -> m.upgraded().equals(Optional.of(false))).hasSize(classicMembers);
            }
        });
        return last.get();
    }

    /**
     * Waits until the members have read every record of {@code topic} and the group's committed
     * offsets are its end offsets (the members auto-commit).
     */
    private static void awaitEverythingReadAndCommitted(Admin admin, String group, String topic, Set<String> seen)
            throws Exception {
        Map<TopicPartition, Long> end = endOffsets(admin, topic);
        Set<String> produced = end.entrySet().stream()
                .flatMap(e -> IntStream.range(0, e.getValue().intValue()).mapToObj(o -> e.getKey().partition() + ":" + o))
                .collect(Collectors.toSet());
        await().atMost(PATIENCE).until(() -> seen.size() == produced.size());
        assertThat(seen).isEqualTo(produced);
        awaitCommittedToEnd(admin, group, topic);
    }

    private static void awaitCommittedToEnd(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, Long> end = endOffsets(admin, topic);
        await().atMost(PATIENCE).untilAsserted(() -> {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            assertThat(committed.entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()))).isEqualTo(end);
        });
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, PARTITIONS).boxed()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private static ConsumerGroupDescription describe(Admin admin, String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
    }

    private static Map<String, Set<TopicPartition>> ownership(ConsumerGroupDescription description) {
        return description.members().stream()
                .collect(Collectors.toMap(MemberDescription::consumerId, m -> m.assignment().topicPartitions()));
    }

    /** The partition count ChildGroupMember last printed ({@code assigned N}), -1 before the first. */
    private static int childAssignment(Path childDir) throws Exception {
        List<String> assigned = Files.readString(childDir.resolve("stdout")).lines()
                .filter(l -> l.startsWith("assigned ")).toList();
        return assigned.isEmpty() ? -1
                : Integer.parseInt(assigned.get(assigned.size() - 1).substring("assigned ".length()));
    }

    private static KafkaConsumer<String, String> consumerProtocolMember(String bootstrap, String group) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer"),
                new StringDeserializer(), new StringDeserializer());
    }

    /** What one poll threw, or null. */
    private static KafkaException pollError(KafkaConsumer<String, String> consumer) {
        try {
            consumer.poll(Duration.ofMillis(100));
            return null;
        } catch (KafkaException e) {
            return e;
        }
    }

    private static void closeAll(List<GroupConsumer> members) throws InterruptedException {
        for (GroupConsumer member : members) {
            member.close();
        }
    }
}
