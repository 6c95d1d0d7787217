package io.runnel.storage.producer;

import io.runnel.storage.ActiveProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Idempotent producer state of one partition.
 *
 * <p>Thread-safety: none of its own; every call is made under the owning log's lock, except
 * {@link #writeSnapshot}, which only touches files.
 */
public final class ProducerStateManager {
    private static final Logger LOG = LoggerFactory.getLogger(ProducerStateManager.class);
    private static final String SUFFIX = ".snapshot";
    private static final int SNAPSHOTS_KEPT = 2;

    private final Path dir;
    private final Map<Long, ProducerEntry> producers = new HashMap<>();

    public ProducerStateManager(Path dir) {
        this.dir = dir;
    }

    /** Starts the checks of one append; nothing changes until {@link #commit}. */
    public ProducerAppend begin() {
        return new ProducerAppend(this);
    }

    /** Applies an append whose batches are now in the log. */
    public void commit(ProducerAppend append) {
        producers.putAll(append.updated());
    }

    /** One of the producer's last five batches with exactly this epoch and sequence range, or null. */
    public BatchMetadata findDuplicate(long producerId, short epoch, int firstSeq, int lastSeq) {
        ProducerEntry entry = producers.get(producerId);
        return entry == null ? null : entry.duplicateOf(epoch, firstSeq, lastSeq);
    }

    /**
     * Replays a batch read back from the log (recovery), without checks. A control batch
     * (transaction marker) closes the producer's open transaction.
     */
    public void replay(long producerId, short epoch, int firstSeq, int lastSeq, long firstOffset, long lastOffset,
                       long maxTimestamp, boolean transactional, boolean control) {
        ProducerEntry entry = producers.computeIfAbsent(producerId, ProducerEntry::new);
        if (control) {
            entry.epoch = epoch;
            entry.currentTxnFirstOffset = -1;
            entry.lastTimestamp = maxTimestamp;
            return;
        }
        entry.add(epoch, new BatchMetadata(firstSeq, lastSeq, firstOffset, lastOffset, maxTimestamp), transactional);
    }

    /**
     * Drops producers without an open transaction whose last batch timestamp is at least
     * {@code expirationMs} before {@code nowMs} (Kafka's {@code producer.id.expiration.ms}).
     */
    public void expire(long nowMs, long expirationMs) {
        producers.values().removeIf(e -> e.currentTxnFirstOffset < 0 && nowMs - e.lastTimestamp >= expirationMs);
    }

    /**
     * Last offset of each producer's last data batch, by producer id: the log cleaner keeps
     * those batches (empty if need be) so producer state survives cleaning and a restart.
     */
    public Map<Long, Long> lastDataOffsets() {
        Map<Long, Long> result = new HashMap<>();
        for (ProducerEntry e : producers.values()) {
            if (!e.batches.isEmpty()) {
                result.put(e.producerId, e.batches.peekLast().lastOffset());
            }
        }
        return result;
    }

    public List<ActiveProducer> activeProducers() {
        List<ActiveProducer> result = new ArrayList<>(producers.size());
        for (ProducerEntry e : producers.values()) {
            result.add(new ActiveProducer(e.producerId, e.epoch, e.lastSeq(), e.lastTimestamp, e.coordinatorEpoch,
                    e.currentTxnFirstOffset));
        }
        return result;
    }

    /** Writes the state as of {@code offset} (the log end offset) and keeps the two newest snapshots. */
    public void takeSnapshot(long offset) throws IOException {
        writeSnapshot(captureSnapshot(offset));
    }

    /**
     * A copy of the state as of {@code offset}, taken under the log's lock, to be written by
     * {@link #writeSnapshot} without it (so a flush does not hold appends up with file I/O).
     */
    public Snapshot captureSnapshot(long offset) {
        List<ProducerEntry> copies = new ArrayList<>(producers.size());
        for (ProducerEntry e : producers.values()) {
            copies.add(e.copy());
        }
        return new Snapshot(offset, copies);
    }

    /** Writes a captured snapshot and keeps the two newest snapshot files. Safe without the log's lock. */
    public void writeSnapshot(Snapshot snapshot) throws IOException {
        ProducerSnapshotFile.write(snapshotFile(snapshot.offset), snapshot.entries);
        List<Long> offsets = snapshotOffsets();
        for (int i = 0; i < offsets.size() - SNAPSHOTS_KEPT; i++) {
            Files.deleteIfExists(snapshotFile(offsets.get(i)));
        }
    }

    /**
     * Replaces the state with the newest readable snapshot at or below {@code maxOffset}
     * (snapshots above it, taken before a truncation, are deleted; corrupt ones are skipped and
     * deleted). Returns the offset the state is now valid up to, or -1 if the state is empty and
     * the whole log must be replayed.
     */
    public long loadSnapshot(long maxOffset) throws IOException {
        producers.clear();
        List<Long> offsets = snapshotOffsets();
        for (int i = offsets.size() - 1; i >= 0; i--) {
            long offset = offsets.get(i);
            Path file = snapshotFile(offset);
            if (offset > maxOffset) {
                Files.deleteIfExists(file);
                continue;
            }
            try {
                for (ProducerEntry e : ProducerSnapshotFile.read(file)) {
                    producers.put(e.producerId, e);
                }
                return offset;
            } catch (IOException e) {
                LOG.warn("Deleting unreadable producer snapshot {}: {}", file, e.getMessage());
                producers.clear();
                Files.deleteIfExists(file);
            }
        }
        return -1;
    }

    /** Forgets every producer and deletes every snapshot (the log was emptied). */
    public void truncateFully() throws IOException {
        producers.clear();
        for (long offset : snapshotOffsets()) {
            Files.deleteIfExists(snapshotFile(offset));
        }
    }

    /** Producer state as of an offset, detached from the live state. */
    public static final class Snapshot {
        private final long offset;
        private final List<ProducerEntry> entries;

        private Snapshot(long offset, List<ProducerEntry> entries) {
            this.offset = offset;
            this.entries = entries;
        }
    }

    ProducerEntry entry(long producerId) {
        return producers.get(producerId);
    }

    private Path snapshotFile(long offset) {
        return dir.resolve(String.format("%020d", offset) + SUFFIX);
    }

    private List<Long> snapshotOffsets() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(SUFFIX) && n.length() == 20 + SUFFIX.length())
                    .map(n -> Long.parseLong(n.substring(0, 20)))
                    .sorted()
                    .toList();
        }
    }
}
