package io.runnel.it.chaos;

/** A record as a client saw it: its partition, offset and value (values are unique per run). */
record StoredRecord(int partition, long offset, String value) {
}
