package io.runnel.coordinator.runtime;

import java.util.Arrays;

/**
 * One record of a coordinator's internal topic (e.g. {@code __consumer_offsets}), as stored.
 *
 * <p>On-disk format: the record key starts with {@code type} as a big-endian int16, followed by
 * the type's own key fields; the value is the type's value fields, or {@code null} for a
 * tombstone. Compaction keeps the latest record per key, so a key must name exactly the state
 * its value replaces. Each state machine owns a range of types and encodes its own fields.
 *
 * @param type  which state machine and record kind this is
 * @param key   the whole record key, type included
 * @param value the record value, or null for a tombstone (the keyed state is deleted)
 */
public record CoordinatorRecord(short type, byte[] key, byte[] value) {

    public boolean isTombstone() {
        return value == null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoordinatorRecord r && r.type == type && Arrays.equals(r.key, key)
                && Arrays.equals(r.value, value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "CoordinatorRecord(type=" + type + ", key=" + key.length + " bytes, value="
                + (value == null ? "tombstone" : value.length + " bytes") + ")";
    }
}
