package io.runnel.storage;

/** A record's timestamp and offset, with the leader epoch of its batch (-1 if unknown). */
public record TimestampAndOffset(long timestamp, long offset, int leaderEpoch) {
}
