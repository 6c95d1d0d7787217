package io.runnel.storage.producer;

import io.runnel.storage.ActiveProducer;
import io.runnel.storage.VerificationGuard;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Idempotent and transactional producer state of one partition (Kafka's
 * {@code ProducerStateManager}).
 *
 * <p>Transactions: a producer's first transactional batch opens its ongoing transaction (first
 * offset kept in its entry and in {@code ongoingTxns}); its COMMIT or ABORT marker completes it,
 * after which it stays "unreplicated" until the high watermark passes the marker. The first
 * unstable offset is the first offset of the earliest ongoing or unreplicated transaction; the
 * last stable offset derives from it. Verification guards (KIP-890) are kept here too, in memory
 * only.
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
    /** Ongoing transactions: first offset to producer id. */
    private final TreeMap<Long, Long> ongoingTxns = new TreeMap<>();
    /** Completed transactions whose marker is not yet below the high watermark, by first offset. */
    private final TreeMap<Long, CompletedTxn> unreplicatedTxns = new TreeMap<>();
    private final Map<Long, Guard> guards = new HashMap<>();

    /** A verification guard and when it was handed out (ms), for expiry. */
    private record Guard(VerificationGuard guard, long createdMs) {
    }

    public ProducerStateManager(Path dir) {
        this.dir = dir;
    }

    /**
     * Starts the checks of one append; nothing changes until {@link #commit}.
     *
     * @param guard the verification guard the request carries, or null: no verification
     */
    public ProducerAppend begin(VerificationGuard guard) {
        return new ProducerAppend(this, guard);
    }

    /** Applies an append whose batches are now in the log. */
    public void commit(ProducerAppend append) {
        for (ProducerEntry entry : append.updated().values()) {
            ProducerEntry previous = producers.put(entry.producerId, entry);
            noteTxnStart(previous, entry);
        }
    }

    /**
     * Checks a marker the leader is about to append.
     *
     * @throws InvalidProducerEpochException {@code epoch} is below the producer's epoch
     * @throws TransactionCoordinatorFencedException {@code coordinatorEpoch} is below the last
     *     one seen for the producer
     */
    public void checkMarker(long producerId, short epoch, int coordinatorEpoch) {
        ProducerEntry entry = producers.get(producerId);
        if (entry == null) {
            return;
        }
        if (epoch < entry.epoch) {
            throw new InvalidProducerEpochException("Marker epoch " + epoch + " of producer " + producerId
                    + " is older than its current epoch " + entry.epoch);
        }
        if (coordinatorEpoch < entry.coordinatorEpoch) {
            throw new TransactionCoordinatorFencedException("Marker coordinator epoch " + coordinatorEpoch
                    + " of producer " + producerId + " is older than the last one seen, " + entry.coordinatorEpoch);
        }
    }

    /**
     * Applies a COMMIT/ABORT marker now in the log at {@code offset} (leader, follower or
     * replay; unchecked here, see {@link #checkMarker}). A marker epoch different from the
     * producer's becomes its epoch and forgets its batches, so its next batch starts at
     * sequence 0 (KIP-890 bumps the epoch at every commit). Clears the producer's guard.
     *
     * @return the transaction it completed, or null if the producer had none ongoing
     */
    public CompletedTxn completeTxn(long producerId, short epoch, int coordinatorEpoch, long offset, long timestamp,
                                    boolean commit) {
        ProducerEntry entry = producers.computeIfAbsent(producerId, ProducerEntry::new);
        if (epoch != entry.epoch) {
            entry.batches.clear();
            entry.epoch = epoch;
        }
        entry.coordinatorEpoch = coordinatorEpoch;
        entry.lastTimestamp = timestamp;
        guards.remove(producerId);
        if (entry.currentTxnFirstOffset < 0) {
            return null;
        }
        CompletedTxn txn = new CompletedTxn(producerId, entry.currentTxnFirstOffset, offset, !commit);
        entry.currentTxnFirstOffset = -1;
        ongoingTxns.remove(txn.firstOffset());
        unreplicatedTxns.put(txn.firstOffset(), txn);
        return txn;
    }

    /**
     * The last stable offset right after {@code txn} completed (Kafka's rule for the index
     * entry): the first offset of the earliest transaction still ongoing, else one past the marker.
     */
    public long lastStableOffsetAfter(CompletedTxn txn) {
        return ongoingTxns.isEmpty() ? txn.lastOffset() + 1 : ongoingTxns.firstKey();
    }

    /** First offset of the earliest ongoing or unreplicated transaction, or {@link Long#MAX_VALUE}. */
    public long firstUnstableOffset() {
        long ongoing = ongoingTxns.isEmpty() ? Long.MAX_VALUE : ongoingTxns.firstKey();
        long unreplicated = unreplicatedTxns.isEmpty() ? Long.MAX_VALUE : unreplicatedTxns.firstKey();
        return Math.min(ongoing, unreplicated);
    }

    /** Forgets completed transactions whose marker is now below the high watermark. */
    public void onHighWatermarkUpdated(long highWatermark) {
        if (!unreplicatedTxns.isEmpty()) {
            unreplicatedTxns.values().removeIf(txn -> txn.lastOffset() < highWatermark);
        }
    }

    public boolean hasOngoingTransaction(long producerId) {
        ProducerEntry entry = producers.get(producerId);
        return entry != null && entry.currentTxnFirstOffset >= 0;
    }

    /** The producer's current guard, created (at {@code nowMs}) if absent. */
    public VerificationGuard verificationGuard(long producerId, long nowMs) {
        return guards.computeIfAbsent(producerId, id -> new Guard(new VerificationGuard(), nowMs)).guard();
    }

    /** The producer's current guard, or null. */
    VerificationGuard currentGuard(long producerId) {
        Guard guard = guards.get(producerId);
        return guard == null ? null : guard.guard();
    }

    /** One of the producer's last five batches with exactly this epoch and sequence range, or null. */
    public BatchMetadata findDuplicate(long producerId, short epoch, int firstSeq, int lastSeq) {
        ProducerEntry entry = producers.get(producerId);
        return entry == null ? null : entry.duplicateOf(epoch, firstSeq, lastSeq);
    }

    /**
     * Replays a data batch read back from the log or replicated from the leader, without checks;
     * a transactional one opens the producer's transaction if none is ongoing. Markers are
     * replayed with {@link #completeTxn}.
     */
    public void replay(long producerId, short epoch, int firstSeq, int lastSeq, long firstOffset, long lastOffset,
                       long maxTimestamp, boolean transactional) {
        ProducerEntry entry = producers.computeIfAbsent(producerId, ProducerEntry::new);
        boolean wasOngoing = entry.currentTxnFirstOffset >= 0;
        entry.add(epoch, new BatchMetadata(firstSeq, lastSeq, firstOffset, lastOffset, maxTimestamp), transactional);
        if (!wasOngoing && entry.currentTxnFirstOffset >= 0) {
            ongoingTxns.put(entry.currentTxnFirstOffset, producerId);
        }
    }

    /**
     * Drops producers without an open transaction whose last batch timestamp is at least
     * {@code expirationMs} before {@code nowMs} (Kafka's {@code producer.id.expiration.ms}), and
     * verification guards handed out that long ago.
     */
    public void expire(long nowMs, long expirationMs) {
        producers.values().removeIf(e -> e.currentTxnFirstOffset < 0 && nowMs - e.lastTimestamp >= expirationMs);
        guards.values().removeIf(g -> nowMs - g.createdMs() >= expirationMs);
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
        return new Snapshot(offset, copies, new ArrayList<>(unreplicatedTxns.values()));
    }

    /** Writes a captured snapshot and keeps the two newest snapshot files. Safe without the log's lock. */
    public void writeSnapshot(Snapshot snapshot) throws IOException {
        ProducerSnapshotFile.write(snapshotFile(snapshot.offset), snapshot.entries, snapshot.unreplicatedTxns);
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
        clearState();
        List<Long> offsets = snapshotOffsets();
        for (int i = offsets.size() - 1; i >= 0; i--) {
            long offset = offsets.get(i);
            Path file = snapshotFile(offset);
            if (offset > maxOffset) {
                Files.deleteIfExists(file);
                continue;
            }
            try {
                ProducerSnapshotFile.Content content = ProducerSnapshotFile.read(file);
                for (ProducerEntry e : content.entries()) {
                    producers.put(e.producerId, e);
                    noteTxnStart(null, e);
                }
                for (CompletedTxn txn : content.unreplicatedTxns()) {
                    unreplicatedTxns.put(txn.firstOffset(), txn);
                }
                return offset;
            } catch (IOException e) {
                LOG.warn("Deleting unreadable producer snapshot {}: {}", file, e.getMessage());
                clearState();
                Files.deleteIfExists(file);
            }
        }
        return -1;
    }

    /** Forgets every producer and deletes every snapshot (the log was emptied). */
    public void truncateFully() throws IOException {
        clearState();
        guards.clear();
        for (long offset : snapshotOffsets()) {
            Files.deleteIfExists(snapshotFile(offset));
        }
    }

    /** Producer state as of an offset, detached from the live state. */
    public static final class Snapshot {
        private final long offset;
        private final List<ProducerEntry> entries;
        private final List<CompletedTxn> unreplicatedTxns;

        private Snapshot(long offset, List<ProducerEntry> entries, List<CompletedTxn> unreplicatedTxns) {
            this.offset = offset;
            this.entries = entries;
            this.unreplicatedTxns = unreplicatedTxns;
        }
    }

    ProducerEntry entry(long producerId) {
        return producers.get(producerId);
    }

    private void noteTxnStart(ProducerEntry previous, ProducerEntry entry) {
        boolean wasOngoing = previous != null && previous.currentTxnFirstOffset >= 0;
        if (!wasOngoing && entry.currentTxnFirstOffset >= 0) {
            ongoingTxns.put(entry.currentTxnFirstOffset, entry.producerId);
        }
    }

    private void clearState() {
        producers.clear();
        ongoingTxns.clear();
        unreplicatedTxns.clear();
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
