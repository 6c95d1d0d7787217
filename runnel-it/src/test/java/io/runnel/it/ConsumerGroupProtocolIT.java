package io.runnel.it;

import io.runnel.it.harness.ChildGroupMember;
import io.runnel.it.harness.ChildJvm;
import io.runnel.it.harness.InProcessBroker;
import io.runnel.it.harness.TempDirs;
import io.runnel.it.harness.TopicWriter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka 4.4 consumers with {@code group.protocol=consumer} (KIP-848) against Runnel: members split
 * a topic's partitions, a closed member's partitions move to the others, a member killed with
 * kill -9 loses its partitions once its session times out, regex subscriptions (client-side
 * {@link Pattern} and server-side {@link SubscriptionPattern}) and committed offsets.
 */
class ConsumerGroupProtocolIT {

    private static final int SESSION_TIMEOUT_MS = 6_000;
    private static final String GROUPS_TOOL = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";
    private static InProcessBroker broker;
    private static Path workDir;

    @BeforeAll
    static void start() throws Exception {
        workDir = TempDirs.create("runnel-consumer-protocol-");
        broker = InProcessBroker.start(Map.of(
                "group.consumer.session.timeout.ms", String.valueOf(SESSION_TIMEOUT_MS),
                "group.consumer.heartbeat.interval.ms", "500"));
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("split", 6, (short) 1), new NewTopic("kill", 4, (short) 1),
                    new NewTopic("rx-a", 2, (short) 1), new NewTopic("rx-b", 1, (short) 1),
                    new NewTopic("other", 1, (short) 1), new NewTopic("commits", 1, (short) 1))).all().get();
        }
        TopicWriter.produce(broker.bootstrap(), "split", 6, 100);
        TopicWriter.produce(broker.bootstrap(), "commits", 1, 100);
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
    void twoThenThreeConsumersSplitTheTopicAndTakeOverWhenOneCloses() throws Exception {
        Set<String> read = new HashSet<>();
        List<KafkaConsumer<String, String>> members = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                members.add(subscribed("split-g", "split"));
            }
            pollUntil(members, read, sizes -> sizes.equals(List.of(3, 3)));

            members.add(subscribed("split-g", "split"));
            pollUntil(members, read, sizes -> sizes.equals(List.of(2, 2, 2)));
            assertThat(disjointAssignments(members)).hasSize(6);
            try (Admin admin = broker.admin()) {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("split-g"))
                        .describedGroups().get("split-g").get();
                assertThat(group.type()).isEqualTo(GroupType.CONSUMER);
                assertThat(group.members()).hasSize(3);
            }

            members.remove(2).close();
            pollUntil(members, read, sizes -> sizes.equals(List.of(3, 3)));
            pollUntil(members, read, sizes -> read.size() == 600);
        } finally {
            members.forEach(KafkaConsumer::close);
        }
        assertThat(read).hasSize(600);
    }

    @Test
    void consumerKilledWithoutLeavingLosesItsPartitionsAfterTheSessionTimeout() throws Exception {
        Path dir = Files.createTempDirectory(workDir, "member-");
        Process child = ChildJvm.start(dir, ChildGroupMember.class.getName(),
                List.of(broker.bootstrap(), "kill-g", "kill", "consumer"));
        try (KafkaConsumer<String, String> survivor = subscribed("kill-g", "kill")) {
            Set<String> read = new HashSet<>();
            pollUntil(List.of(survivor), read, sizes -> sizes.equals(List.of(2))
                    && Files.readString(dir.resolve("stdout")).contains("assigned 2"));

            child.destroyForcibly().waitFor();
            long killedAt = System.nanoTime();
            pollUntil(List.of(survivor), read, sizes -> sizes.equals(List.of(4)));

            assertThat(Duration.ofNanos(System.nanoTime() - killedAt))
                    .isGreaterThan(Duration.ofMillis(SESSION_TIMEOUT_MS / 2));
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void regexSubscriptionsOfClientAndServer() throws Exception {
        try (KafkaConsumer<String, String> clientSide = consumer("rx-client-g");
             KafkaConsumer<String, String> serverSide = consumer("rx-server-g")) {
            clientSide.subscribe(Pattern.compile("rx-.*"));
            serverSide.subscribe(new SubscriptionPattern("rx-.*"));
            Set<TopicPartition> expected = Set.of(new TopicPartition("rx-a", 0), new TopicPartition("rx-a", 1),
                    new TopicPartition("rx-b", 0));

            await().atMost(Duration.ofSeconds(30)).until(() -> {
                clientSide.poll(Duration.ofMillis(100));
                serverSide.poll(Duration.ofMillis(100));
                return clientSide.assignment().equals(expected) && serverSide.assignment().equals(expected);
            });
        }
    }

    @Test
    void committedOffsetsAreSeenByTheNextConsumer() throws Exception {
        TopicPartition partition = new TopicPartition("commits", 0);
        try (KafkaConsumer<String, String> first = consumer("commits-g", false)) {
            first.subscribe(List.of("commits"));
            await().atMost(Duration.ofSeconds(30)).until(() -> !first.poll(Duration.ofMillis(100)).isEmpty());
            first.commitSync(Map.of(partition, new OffsetAndMetadata(42, "half way")));
        }
        try (KafkaConsumer<String, String> next = consumer("commits-g", false)) {
            next.subscribe(List.of("commits"));
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                next.poll(Duration.ofMillis(100)).forEach(records::add);
                return !records.isEmpty();
            });
            assertThat(records.get(0).offset()).isEqualTo(42);
            assertThat(next.committed(Set.of(partition)).get(partition).metadata()).isEqualTo("half way");
        }
        try (Admin admin = broker.admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets("commits-g").partitionsToOffsetAndMetadata().get();
            assertThat(offsets.get(partition).offset()).isGreaterThanOrEqualTo(42);
        }
    }

    @Test
    void kafkaConsumerGroupsToolDescribesAConsumerGroup() throws Exception {
        try (KafkaConsumer<String, String> member = subscribed("tool-g", "commits")) {
            Set<String> read = new HashSet<>();
            pollUntil(List.of(member), read, sizes -> sizes.equals(List.of(1)) && !read.isEmpty());
            member.commitSync(Map.of(new TopicPartition("commits", 0), new OffsetAndMetadata(60)));

            ChildJvm.Result offsets = ChildJvm.run(workDir, Duration.ofSeconds(60), "", GROUPS_TOOL,
                    List.of("--bootstrap-server", broker.bootstrap(), "--describe", "--group", "tool-g"));
            ChildJvm.Result members = ChildJvm.run(workDir, Duration.ofSeconds(60), "", GROUPS_TOOL,
                    List.of("--bootstrap-server", broker.bootstrap(), "--describe", "--group", "tool-g", "--members"));
            ChildJvm.Result state = ChildJvm.run(workDir, Duration.ofSeconds(60), "", GROUPS_TOOL,
                    List.of("--bootstrap-server", broker.bootstrap(), "--describe", "--group", "tool-g", "--state"));

            assertThat(offsets.code()).as(offsets.err()).isZero();
            assertThat(offsets.out()).containsPattern("tool-g\\s+commits\\s+0\\s+60\\s+100\\s+40");
            assertThat(members.out()).containsPattern("tool-g\\s+\\S+\\s+\\S+\\s+\\S+\\s+1");
            assertThat(state.out()).contains("uniform").contains("Stable");
        }
    }

    private interface SizesCondition {
        boolean holds(List<Integer> assignmentSizes) throws Exception;
    }

    /** Polls every member in turn (recording what they read) until the condition holds. */
    private static void pollUntil(List<KafkaConsumer<String, String>> members, Set<String> read,
                                  SizesCondition condition) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (KafkaConsumer<String, String> member : members) {
                member.poll(Duration.ofMillis(50)).forEach(r -> read.add(r.partition() + "/" + r.offset()));
            }
            return condition.holds(members.stream().map(m -> m.assignment().size()).toList());
        });
    }

    private static Set<TopicPartition> disjointAssignments(List<KafkaConsumer<String, String>> members) {
        List<TopicPartition> all = members.stream().flatMap(m -> m.assignment().stream()).toList();
        Set<TopicPartition> distinct = all.stream().collect(Collectors.toSet());
        assertThat(all).hasSameSizeAs(distinct);
        return distinct;
    }

    private static KafkaConsumer<String, String> subscribed(String group, String topic) {
        KafkaConsumer<String, String> consumer = consumer(group);
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static KafkaConsumer<String, String> consumer(String group) {
        return consumer(group, true);
    }

    private static KafkaConsumer<String, String> consumer(String group, boolean autoCommit) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, String.valueOf(autoCommit),
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, "1000"),
                new StringDeserializer(), new StringDeserializer());
    }
}
