package io.runnel.metadata.controller;

import io.runnel.metadata.record.MetadataRecord;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Appends a batch of records to the metadata log as one entry. The future completes with the
 * entry's log index once it is committed and replayed into the image, or exceptionally if this
 * node cannot append it (not the leader, shutting down).
 */
@FunctionalInterface
public interface RecordAppender {
    CompletableFuture<Long> append(List<MetadataRecord> records);
}
