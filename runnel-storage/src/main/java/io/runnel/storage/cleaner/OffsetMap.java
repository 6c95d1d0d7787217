package io.runnel.storage.cleaner;

import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The cleaner's dedupe buffer: key hash to the latest offset seen for it, in one byte buffer
 * with open addressing (linear probing), so a map of millions of keys is one array, not
 * millions of objects.
 *
 * <p>Slot layout (24 bytes): the key's 16-byte MD5 digest, then int64 {@code offset + 1}
 * (0 marks a free slot). Two keys with the same digest are treated as one key, as in Kafka's
 * {@code SkimpyOffsetMap}; with MD5 that is not expected to happen in practice.
 *
 * <p>The buffer grows by doubling up to {@code maxBytes} ({@code log.cleaner.dedupe.buffer.size}
 * divided by the cleaner threads); {@link #capacity()} is the number of entries that keeps the
 * load at most 0.9 of the current slots. Not thread-safe: one map per cleaner thread.
 */
final class OffsetMap {
    static final int HASH_SIZE = 16;
    static final int SLOT_SIZE = HASH_SIZE + 8;
    private static final double LOAD_FACTOR = 0.9;
    private static final int MIN_SLOTS = 1024;

    private final long maxBytes;
    private final MessageDigest digest;
    private final byte[] hash = new byte[HASH_SIZE];
    private ByteBuffer slots;
    private int slotCount;
    private int size;
    private long latestOffset = -1;

    /** @param maxBytes upper bound of the buffer, in bytes (at least one slot's worth of 1024 slots is used) */
    OffsetMap(long maxBytes) {
        this.maxBytes = Math.max(maxBytes, (long) MIN_SLOTS * SLOT_SIZE);
        try {
            this.digest = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every JVM", e);
        }
        allocate(MIN_SLOTS);
    }

    /**
     * Empties the map and makes room for {@code expectedEntries} if the bound allows (the
     * caller checks {@link #capacity()} before each batch).
     */
    void clear(long expectedEntries) {
        long wanted = (long) Math.ceil(expectedEntries / LOAD_FACTOR);
        long maxSlots = Math.min(maxBytes / SLOT_SIZE, Integer.MAX_VALUE / SLOT_SIZE);
        long slotsNeeded = Math.min(Math.max(wanted, MIN_SLOTS), maxSlots);
        if (slotsNeeded > slotCount) {
            allocate((int) slotsNeeded);
        } else {
            for (int i = 0; i < slots.capacity(); i += 8) {
                slots.putLong(i, 0L);
            }
        }
        size = 0;
        latestOffset = -1;
    }

    /** Largest number of entries before the load factor is exceeded. */
    int capacity() {
        return (int) (slotCount * LOAD_FACTOR);
    }

    int size() {
        return size;
    }

    /** Largest offset put since the last clear, or -1. */
    long latestOffset() {
        return latestOffset;
    }

    /** Records {@code offset} as the latest for the key (offsets are put in ascending order). */
    void put(ByteBuffer key, long offset) {
        if (size >= capacity()) {
            throw new IllegalStateException("The offset map is full (" + size + " entries)");
        }
        hash(key);
        int slot = find();
        if (slots.getLong(slot * SLOT_SIZE + HASH_SIZE) == 0) {
            slots.put(slot * SLOT_SIZE, hash);
            size++;
        }
        slots.putLong(slot * SLOT_SIZE + HASH_SIZE, offset + 1);
        latestOffset = Math.max(latestOffset, offset);
    }

    /** The latest offset put for the key, or -1. */
    long get(ByteBuffer key) {
        hash(key);
        return slots.getLong(find() * SLOT_SIZE + HASH_SIZE) - 1;
    }

    private void hash(ByteBuffer key) {
        digest.update(key.duplicate());
        try {
            digest.digest(hash, 0, HASH_SIZE);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The slot holding {@link #hash}, or the free slot where it belongs. */
    private int find() {
        int h = ((hash[0] & 0xff) << 24 | (hash[1] & 0xff) << 16 | (hash[2] & 0xff) << 8 | (hash[3] & 0xff));
        int slot = Math.floorMod(h, slotCount);
        while (true) {
            int base = slot * SLOT_SIZE;
            if (slots.getLong(base + HASH_SIZE) == 0 || sameHash(base)) {
                return slot;
            }
            slot = slot + 1 == slotCount ? 0 : slot + 1;
        }
    }

    private boolean sameHash(int base) {
        for (int i = 0; i < HASH_SIZE; i++) {
            if (slots.get(base + i) != hash[i]) {
                return false;
            }
        }
        return true;
    }

    private void allocate(int count) {
        slotCount = count;
        slots = ByteBuffer.allocate(count * SLOT_SIZE);
    }
}
