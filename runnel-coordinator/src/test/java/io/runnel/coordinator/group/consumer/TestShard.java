package io.runnel.coordinator.group.consumer;

import io.runnel.coordinator.group.GroupConfig;
import io.runnel.coordinator.group.GroupRegistry;
import io.runnel.coordinator.group.classic.ClassicGroups;
import io.runnel.coordinator.runtime.CoordinatorRecord;
import io.runnel.coordinator.runtime.CoordinatorResult;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A coordinator shard reduced to what {@link ConsumerGroups} needs: every write's records are
 * replayed at once and kept in a log (the partition), timers run on a {@link FakeTimer}.
 */
final class TestShard {

    static final HeartbeatContext V1 = new HeartbeatContext((short) 1, "client", "/127.0.0.1");

    final FakeTimer timer = new FakeTimer();
    final List<CoordinatorRecord> log = new ArrayList<>();
    final GroupRegistry registry = new GroupRegistry();
    final ConsumerGroups groups;
    private MetadataImage image = MetadataImage.empty("test");

    TestShard(ConsumerGroupSettings settings) {
        AtomicInteger ids = new AtomicInteger();
        ClassicGroups classic = new ClassicGroups(registry, GroupConfig.defaults(), Time.SYSTEM, timer);
        groups = new ConsumerGroups(registry, classic, timer, settings, () -> image,
                () -> "generated-" + ids.incrementAndGet());
    }

    TestShard() {
        this(ConsumerGroupSettings.defaults());
    }

    ConsumerGroupHeartbeatResponseData heartbeat(ConsumerGroupHeartbeatRequestData request) {
        return heartbeat(request, V1);
    }

    ConsumerGroupHeartbeatResponseData heartbeat(ConsumerGroupHeartbeatRequestData request, HeartbeatContext context) {
        CoordinatorResult<ConsumerGroupHeartbeatResponseData> result = groups.heartbeat(request, context);
        apply(result.records());
        return result.response();
    }

    void apply(List<CoordinatorRecord> records) {
        records.forEach(record -> {
            groups.replay(record);
            log.add(record);
        });
    }

    void advance(long ms) {
        timer.advance(ms, result -> apply(result.records()));
    }

    /** The group's state; DEAD when there is no such consumer group. */
    GroupState state(String groupId) {
        ConsumerGroup group = groups.group(groupId);
        return group == null ? GroupState.DEAD : group.state();
    }

    /** Creates (or resizes) a topic and tells the groups. */
    Uuid topic(String name, int partitions) {
        TopicImage existing = image.topicsByName().get(name);
        Uuid id = existing != null ? existing.id() : Uuid.randomUuid();
        Map<Integer, PartitionRegistration> registrations = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            registrations.put(p, new PartitionRegistration(List.of(0), List.of(0), 0, 0, 0));
        }
        Map<String, TopicImage> byName = new HashMap<>(image.topicsByName());
        Map<Uuid, TopicImage> byId = new HashMap<>(image.topicsById());
        TopicImage topic = new TopicImage(name, id, registrations);
        byName.put(name, topic);
        byId.put(id, topic);
        setImage(byName, byId);
        return id;
    }

    void deleteTopic(String name) {
        Map<String, TopicImage> byName = new HashMap<>(image.topicsByName());
        Map<Uuid, TopicImage> byId = new HashMap<>(image.topicsById());
        byId.remove(byName.remove(name).id());
        setImage(byName, byId);
    }

    private void setImage(Map<String, TopicImage> byName, Map<Uuid, TopicImage> byId) {
        image = new MetadataImage(image.clusterId(), image.offset() + 1, image.brokers(), byName, byId,
                image.configs(), image.nextProducerId());
        apply(groups.onMetadataUpdate(image).records());
    }

    /** A new shard that loads this shard's log (as after a restart or a leadership move). */
    TestShard reload(ConsumerGroupSettings settings) {
        return load(log, settings);
    }

    /** A new shard, with this shard's metadata, that loads {@code records}. */
    TestShard load(List<CoordinatorRecord> records, ConsumerGroupSettings settings) {
        TestShard loaded = new TestShard(settings);
        loaded.image = image;
        records.forEach(loaded.groups::replay);
        loaded.log.addAll(records);
        loaded.groups.onLoaded();
        return loaded;
    }
}
