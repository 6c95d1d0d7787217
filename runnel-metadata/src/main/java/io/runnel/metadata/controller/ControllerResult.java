package io.runnel.metadata.controller;

import io.runnel.metadata.record.MetadataRecord;

import java.util.List;

/**
 * What a controller operation decided: the records to append (atomically, as one batch; empty
 * when nothing changes, e.g. validateOnly or every item failed) and the response to give once
 * they are committed.
 */
public record ControllerResult<T>(List<MetadataRecord> records, T response) {
    public ControllerResult {
        records = List.copyOf(records);
    }
}
