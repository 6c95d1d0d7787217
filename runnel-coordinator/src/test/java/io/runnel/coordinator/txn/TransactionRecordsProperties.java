package io.runnel.coordinator.txn;

import io.runnel.coordinator.runtime.CoordinatorRecord;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.apache.kafka.common.TopicPartition;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Every transaction state survives its {@code __transaction_state} record. */
class TransactionRecordsProperties {

    @Property(tries = 300)
    void aRecordReadsBackAsTheStateItWasWrittenFrom(
            @ForAll @StringLength(min = 1, max = 40) String transactionalId,
            @ForAll long producerId, @ForAll long previousProducerId, @ForAll long nextProducerId,
            @ForAll short epoch, @ForAll short lastEpoch, @ForAll int timeoutMs,
            @ForAll TransactionState state,
            @ForAll @Size(max = 6) List<@StringLength(min = 1, max = 10) String> topics,
            @ForAll @Size(max = 12) List<@IntRange(min = 0, max = 500) Integer> partitions,
            @ForAll long start, @ForAll long update, @ForAll boolean version2) {
        Set<TopicPartition> tps = new HashSet<>();
        for (int i = 0; i < partitions.size() && !topics.isEmpty(); i++) {
            tps.add(new TopicPartition(topics.get(i % topics.size()), partitions.get(i)));
        }
        TransactionMetadata m = new TransactionMetadata(transactionalId, producerId, previousProducerId, nextProducerId,
                epoch, lastEpoch, timeoutMs, state, tps, start, update,
                version2 ? TransactionMetadata.TV_2 : TransactionMetadata.TV_0);

        CoordinatorRecord record = TransactionRecords.record(m);

        assertThat(record.type()).isEqualTo(TransactionRecords.TYPE);
        assertThat(TransactionRecords.readKey(record.key())).isEqualTo(transactionalId);
        assertThat(TransactionRecords.readValue(transactionalId, record.value())).isEqualTo(m);
        assertThat(TransactionRecords.tombstone(transactionalId).key()).isEqualTo(record.key());
    }
}
