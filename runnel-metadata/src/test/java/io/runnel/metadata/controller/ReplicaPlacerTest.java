package io.runnel.metadata.controller;

import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.Images;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.RegisterBrokerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicaPlacerTest {

    private static BrokerRegistration broker(int id, String rack) {
        return new BrokerRegistration(id, Uuid.randomUuid(), List.of(), rack, false);
    }

    @Test
    void withoutRacksFollowersComeAfterTheLeaderOnTheSortedBrokers() {
        List<BrokerRegistration> brokers = List.of(broker(3, null), broker(1, null), broker(2, null), broker(0, null));
        // Random(0).nextInt(4) draws start 2, then shift 3: the first follower sits 1 + 3 % 3 = 1 after
        // the leader, until partition 4 (a multiple of the 4 brokers) moves it to 1 + 4 % 3 = 2 after.
        List<List<Integer>> placement = new ReplicaPlacer(new Random(0)).place(brokers, List.of(), 5, 2);

        assertThat(placement).containsExactly(List.of(2, 3), List.of(3, 0), List.of(0, 1), List.of(1, 2),
                List.of(2, 0));
    }

    @Test
    void racksAlternateOnTheRingAndEachPartitionSpansThemAll() {
        // Ring: a:0, b:2, c:4, a:1, b:3, a:5.
        List<BrokerRegistration> brokers = List.of(broker(0, "a"), broker(1, "a"), broker(5, "a"),
                broker(2, "b"), broker(3, "b"), broker(4, "c"));
        BrokerRing ring = BrokerRing.of(brokers);
        List<Integer> order = new ArrayList<>();
        for (int position = 0; position < ring.size(); position++) {
            order.add(ring.broker(position));
        }
        assertThat(order).containsExactly(0, 2, 4, 1, 3, 5);

        Map<Integer, String> rackOf = Map.of(0, "a", 1, "a", 5, "a", 2, "b", 3, "b", 4, "c");
        for (List<Integer> replicas : new ReplicaPlacer(new Random(3)).place(brokers, List.of(), 12, 3)) {
            assertThat(replicas.stream().map(rackOf::get)).containsExactlyInAnyOrder("a", "b", "c");
        }
    }

    /**
     * KRaft does not refuse a cluster where only some brokers have a rack (the ZooKeeper-era
     * AdminUtils did): brokers without one are placed as if they shared one more rack.
     */
    @Test
    void brokersWithoutARackCountAsOneRackOfTheirOwn() {
        List<MetadataRecord> records = List.of(new RegisterBrokerRecord(broker(0, "a")),
                new RegisterBrokerRecord(broker(1, "a")), new RegisterBrokerRecord(broker(2, null)),
                new RegisterBrokerRecord(broker(3, null)));
        MetadataImage image = Images.apply(MetadataImage.empty("test-cluster"), records);
        TopicCreation creation = new TopicCreation(1, (short) 1, new TopicConfigs(Map.of()),
                new ReplicaPlacer(new Random(5)));
        CreateTopicsRequestData request = new CreateTopicsRequestData();
        request.topics().add(new CreatableTopic().setName("mixed").setNumPartitions(8).setReplicationFactor((short) 2));

        var result = creation.createTopics(image, request);

        assertThat(result.response().topics().find("mixed").errorCode()).isEqualTo(Errors.NONE.code());
        Map<Integer, PartitionRegistration> partitions =
                Images.apply(image, result.records()).topicsByName().get("mixed").partitions();
        assertThat(partitions).hasSize(8);
        partitions.values().forEach(p -> {
            assertThat(p.replicas()).hasSize(2);
            assertThat(Set.of(0, 1)).containsAnyElementsOf(p.replicas());
            assertThat(Set.of(2, 3)).containsAnyElementsOf(p.replicas());
        });
    }
}
