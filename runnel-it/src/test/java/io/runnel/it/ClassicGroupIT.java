package io.runnel.it;

import io.runnel.it.harness.ChildGroupMember;
import io.runnel.it.harness.ChildJvm;
import io.runnel.it.harness.GroupConsumer;
import io.runnel.it.harness.InProcessBroker;
import io.runnel.it.harness.TempDirs;
import io.runnel.it.harness.TopicWriter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Classic consumer groups with kafka-clients 4.4 (group.protocol=classic), with the eager range
 * assignor and the cooperative sticky one: two then three consumers split a topic's partitions;
 * closing one (LeaveGroup) and killing one in a child JVM (session expiry) move its partitions
 * to the others; together they read every record.
 */
class ClassicGroupIT {
    private static final int PARTITIONS = 6;
    private static final int RECORDS = 600;
    private static InProcessBroker broker;
    private static Path workDir;

    @BeforeAll
    static void start() {
        broker = InProcessBroker.start(Map.of("group.initial.rebalance.delay.ms", "0",
                "group.min.session.timeout.ms", "1000", "offsets.topic.num.partitions", "5"));
        workDir = TempDirs.create("runnel-groups-");
    }

    @AfterAll
    static void stop() {
        try {
            broker.close();
        } finally {
            TempDirs.delete(workDir);
        }
    }

    @ParameterizedTest
    @ValueSource(classes = {RangeAssignor.class, CooperativeStickyAssignor.class})
    void consumersSplitPartitionsAndTakeOverFromOnesThatLeaveOrDie(Class<?> assignor) throws Exception {
        String topic = "classic-" + assignor.getSimpleName();
        String group = "group-" + assignor.getSimpleName();
        produce(topic);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<GroupConsumer> consumers = new ArrayList<>();
        Process child = null;
        try {
            consumers.add(consumer(group, topic, assignor, seen));
            consumers.add(consumer(group, topic, assignor, seen));
            GroupConsumer.awaitSplit(consumers, PARTITIONS);
            consumers.add(consumer(group, topic, assignor, seen));
            GroupConsumer.awaitSplit(consumers, PARTITIONS);

            consumers.remove(0).close(); // leaves the group
            GroupConsumer.awaitSplit(consumers, PARTITIONS);

            Path childDir = Files.createTempDirectory(workDir, group);
            child = ChildJvm.start(childDir, ChildGroupMember.class.getName(),
                    List.of(broker.bootstrap(), group, topic, "classic", assignor.getName()));
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(childDir.resolve("stdout")).lines()
                    .anyMatch(l -> l.startsWith("assigned ") && !l.equals("assigned 0")));
            await().atMost(Duration.ofSeconds(30)).until(() -> covered(consumers).size() < PARTITIONS);
            assertThat(members(group)).isEqualTo(3);

            child.destroyForcibly().waitFor(); // SIGKILL: no LeaveGroup, the session must expire
            long killedAt = System.nanoTime();
            GroupConsumer.awaitSplit(consumers, PARTITIONS);
            assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(20));

            await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == RECORDS);
            assertThat(members(group)).isEqualTo(2);
        } finally {
            if (child != null) {
                child.destroyForcibly();
            }
            for (GroupConsumer c : consumers) {
                c.close();
            }
        }
    }

    private static GroupConsumer consumer(String group, String topic, Class<?> assignor, Set<String> seen) {
        return GroupConsumer.classic(broker.bootstrap(), group, topic, seen, assignor.getName());
    }

    private static Set<TopicPartition> covered(List<GroupConsumer> consumers) {
        Set<TopicPartition> all = new HashSet<>();
        consumers.forEach(c -> all.addAll(c.assignment()));
        return all;
    }

    private static int members(String group) throws Exception {
        try (Admin admin = broker.admin()) {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            assertThat(description.groupState()).isEqualTo(GroupState.STABLE);
            return description.members().size();
        }
    }

    private static void produce(String topic) throws Exception {
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
        TopicWriter.produce(broker.bootstrap(), topic, PARTITIONS, RECORDS / PARTITIONS);
    }
}
