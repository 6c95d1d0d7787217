package io.runnel.metadata.image;

import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.record.ConfigRecord;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.PartitionRecord;
import io.runnel.metadata.record.ProducerIdsRecord;
import io.runnel.metadata.record.RegisterBrokerRecord;
import io.runnel.metadata.record.RemoveTopicRecord;
import io.runnel.metadata.record.TopicRecord;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A snapshot (the image as records) rebuilds exactly the image it was taken from. */
class ImageRecordsProperties {
    private static final List<Uuid> IDS = List.of(new Uuid(1, 1), new Uuid(2, 2), new Uuid(3, 3));
    private static final List<String> NAMES = List.of("a", "b", "c");

    @Property(tries = 300)
    void snapshotRecordsRebuildTheImage(@ForAll("histories") List<List<MetadataRecord>> batches) {
        MetadataImage image = MetadataImage.empty("c");
        for (List<MetadataRecord> batch : batches) {
            image = ImageBuilder.apply(image, batch, image.offset() + 1);
        }
        MetadataImage rebuilt = ImageBuilder.apply(MetadataImage.empty("c"), ImageRecords.of(image), image.offset());
        assertThat(rebuilt).isEqualTo(image);
    }

    @Provide
    Arbitrary<List<List<MetadataRecord>>> histories() {
        Arbitrary<Integer> topic = Arbitraries.integers().between(0, 2);
        Arbitrary<MetadataRecord> create = topic.map(i -> new TopicRecord(NAMES.get(i), IDS.get(i)));
        Arbitrary<MetadataRecord> partition = Combinators.combine(topic, Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 4).list().ofMinSize(1).ofMaxSize(3))
                .as((i, p, replicas) -> new PartitionRecord(IDS.get(i), p, replicas, replicas, replicas.get(0), p, p));
        Arbitrary<MetadataRecord> remove = topic.map(i -> new RemoveTopicRecord(IDS.get(i)));
        Arbitrary<MetadataRecord> config = Combinators.combine(topic, Arbitraries.of("retention.ms", "segment.ms"),
                Arbitraries.of("1", "2").injectNull(0.3))
                .as((i, key, value) -> new ConfigRecord(ConfigResource.Type.TOPIC, NAMES.get(i), key, value));
        Arbitrary<MetadataRecord> brokerConfig = Arbitraries.of("1", null)
                .map(value -> new ConfigRecord(ConfigResource.Type.BROKER, "", "log.retention.ms", value));
        Arbitrary<MetadataRecord> broker = Arbitraries.integers().between(0, 4).map(id -> new RegisterBrokerRecord(
                new BrokerRegistration(id, new Uuid(id, 7), List.of(), null, false)));
        Arbitrary<MetadataRecord> producerIds = Arbitraries.longs().between(0, 10_000).map(n -> new ProducerIdsRecord(0, n));
        return Arbitraries.frequencyOf(
                        Tuple.of(3, create), Tuple.of(4, partition), Tuple.of(1, remove),
                        Tuple.of(2, config), Tuple.of(1, brokerConfig), Tuple.of(1, broker),
                        Tuple.of(1, producerIds))
                .list().ofMinSize(1).ofMaxSize(5).list().ofMaxSize(12);
    }
}
