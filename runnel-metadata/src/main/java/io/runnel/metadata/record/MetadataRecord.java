package io.runnel.metadata.record;

/**
 * One change to cluster metadata, as written to the metadata log. Records are small immutable
 * values; a Raft log entry carries a batch of them that is applied atomically
 * ({@link RecordBatchCodec}). Every record has "set" semantics (replaying it twice leaves the
 * same state), so a batch replayed again after a snapshot does no harm.
 */
public sealed interface MetadataRecord
        permits TopicRecord, PartitionRecord, RemoveTopicRecord, ConfigRecord, RegisterBrokerRecord, ProducerIdsRecord,
        BrokerFencingRecord, PartitionChangeRecord {
}
