package io.runnel.metadata.record;

import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.PartitionRegistration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;

import java.nio.ByteBuffer;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordBatchCodecProperties {

    @Property
    void batchesRoundTrip(@ForAll("batches") List<MetadataRecord> records) {
        byte[] bytes = RecordBatchCodec.encode(records);
        assertThat(RecordBatchCodec.decode(ByteBuffer.wrap(bytes))).isEqualTo(records);
    }

    @Property
    void truncatedBatchesAreRejected(@ForAll("batches") List<MetadataRecord> records) {
        byte[] bytes = RecordBatchCodec.encode(records);
        ByteBuffer truncated = ByteBuffer.wrap(bytes, 0, bytes.length - 1);
        assertThatThrownBy(() -> RecordBatchCodec.decode(truncated)).isInstanceOf(IllegalArgumentException.class);
    }

    @Provide
    Arbitrary<List<MetadataRecord>> batches() {
        return record().list().ofMinSize(1).ofMaxSize(20);
    }

    private Arbitrary<MetadataRecord> record() {
        Arbitrary<Uuid> ids = Arbitraries.longs().tuple2().map(t -> new Uuid(t.get1(), t.get2()));
        Arbitrary<String> strings = Arbitraries.strings().ofMaxLength(30);
        Arbitrary<List<Integer>> ints = Arbitraries.integers().list().ofMaxSize(5);
        Arbitrary<MetadataRecord> topic = Combinators.combine(strings, ids).as(TopicRecord::new);
        Arbitrary<int[]> epochs = Arbitraries.integers().array(int[].class).ofSize(3);
        Arbitrary<PartitionRegistration> registration = Combinators.combine(ints.list().ofSize(6), epochs)
                .as((lists, e) -> new PartitionRegistration(lists.get(0), lists.get(1), e[0], e[1], e[2], lists.get(2),
                        lists.get(3), lists.get(4), lists.get(5)));
        Arbitrary<MetadataRecord> partition = Combinators.combine(ids, Arbitraries.integers(), registration)
                .as(PartitionRecord::new);
        Arbitrary<MetadataRecord> remove = ids.map(RemoveTopicRecord::new);
        Arbitrary<MetadataRecord> config = Combinators.combine(
                Arbitraries.of(ConfigResource.Type.TOPIC, ConfigResource.Type.BROKER), strings, strings,
                strings.injectNull(0.3)).as(ConfigRecord::new);
        Arbitrary<BrokerRegistration.Endpoint> endpoint = Combinators.combine(strings, strings,
                Arbitraries.integers().between(0, 65535), strings).as(BrokerRegistration.Endpoint::new);
        Arbitrary<MetadataRecord> broker = Combinators.combine(Arbitraries.integers(), ids, endpoint.list().ofMaxSize(3),
                strings.injectNull(0.5), Arbitraries.of(true, false))
                .as((id, incarnation, endpoints, rack, fenced) ->
                        new RegisterBrokerRecord(new BrokerRegistration(id, incarnation, endpoints, rack, fenced)));
        Arbitrary<MetadataRecord> producerIds = Combinators.combine(Arbitraries.integers(), Arbitraries.longs())
                .as(ProducerIdsRecord::new);
        Arbitrary<MetadataRecord> fencing = Combinators.combine(Arbitraries.integers(), ids, Arbitraries.of(true, false))
                .as(BrokerFencingRecord::new);
        Arbitrary<MetadataRecord> partitionChange = Combinators.combine(ids, Arbitraries.integers(), ints.list().ofSize(3),
                epochs).as((id, partitionId, lists, e) -> new PartitionChangeRecord(id, partitionId, lists.get(0), e[0],
                        e[1], e[2], lists.get(1), lists.get(2)));
        return Arbitraries.oneOf(topic, partition, remove, config, broker, producerIds, fencing, partitionChange);
    }
}
