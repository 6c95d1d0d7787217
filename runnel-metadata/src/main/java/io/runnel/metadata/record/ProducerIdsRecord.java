package io.runnel.metadata.record;

/**
 * A block of producer ids was handed to {@code brokerId}; the next block starts at
 * {@code nextProducerId}. Snapshots write it with broker id -1.
 */
public record ProducerIdsRecord(int brokerId, long nextProducerId) implements MetadataRecord {
}
