package io.runnel.storage.cleaner;

import io.runnel.storage.AbortedTxn;
import io.runnel.storage.cleaner.CleanerFixture.Entry;
import io.runnel.storage.cleaner.CleanerFixture.Put;
import io.runnel.storage.log.TxnMarkers;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class TransactionalCleanerTest {
    static final long PID = 7L;

    private CleanerFixture fx;

    @BeforeEach
    void setUp() throws IOException {
        fx = new CleanerFixture(Map.of());
    }

    @AfterEach
    void tearDown() throws IOException {
        fx.close();
    }

    private void filler(int rounds) {
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < 4; k++) {
                fx.append(List.of(new Put("filler" + k, "f" + r)));
            }
        }
    }

    private List<ControlRecordType> markers() {
        return fx.readBatches().stream().filter(MutableRecordBatch::isControlBatch)
                .map(b -> TxnMarkers.of(b).controlType()).toList();
    }

    private Optional<String> latest(String key) {
        Set<Long> markerOffsets = fx.readBatches().stream().filter(MutableRecordBatch::isControlBatch)
                .map(MutableRecordBatch::baseOffset).collect(Collectors.toSet());
        return fx.readAll().stream().filter(e -> !markerOffsets.contains(e.offset()) && key.equals(e.key()))
                .reduce((a, b) -> b).map(Entry::value);
    }

    @Test
    void abortedRecordsAreRemovedAndNeverBecomeTheLatestValueThenTheirMarkerGoesAfterDeleteRetention()
            throws IOException {
        fx.append(List.of(new Put("k1", "plain")));
        fx.appendTxn(List.of(new Put("k1", "committed")), PID, (short) 0, 0);
        fx.marker(PID, (short) 0, true);
        fx.appendTxn(List.of(new Put("k1", "aborted"), new Put("k2", "aborted")), PID, (short) 0, 1);
        fx.marker(PID, (short) 0, false);
        fx.appendTxn(List.of(new Put("k3", "later")), PID, (short) 0, 3);
        fx.marker(PID, (short) 0, true);
        filler(20);
        Cleaner cleaner = fx.cleaner(Cleaner.StepListener.NONE);

        fx.clean(cleaner, -1);

        assertThat(latest("k1")).contains("committed");
        assertThat(latest("k2")).isEmpty();
        assertThat(latest("k3")).contains("later");
        assertThat(fx.readAll()).noneMatch(e -> "aborted".equals(e.value()));
        assertThat(markers()).as("the abort marker stays while its data was just removed")
                .containsExactly(ControlRecordType.COMMIT, ControlRecordType.ABORT, ControlRecordType.COMMIT);
        assertThat(fx.log.abortedTransactions(0, fx.log.logEndOffset())).extracting(AbortedTxn::producerId)
                .containsExactly(PID);

        fx.clean(cleaner, -1);
        assertThat(markers()).as("stamped with a delete horizon, kept until it passes").hasSize(3);
        fx.time.advance(CleanerFixture.DELETE_RETENTION_MS + 1);
        fx.clean(cleaner, -1);

        assertThat(markers()).containsExactly(ControlRecordType.COMMIT, ControlRecordType.COMMIT);
        assertThat(latest("k1")).contains("committed");
        fx.reopen();
        assertThat(latest("k1")).contains("committed");
        assertThat(latest("k3")).contains("later");
    }

    private void uniqueKeys(String prefix, int count) {
        for (int i = 0; i < count; i++) {
            fx.append(List.of(new Put(prefix + i, "x".repeat(40))));
        }
    }

    @Test
    void aCommitMarkerStaysWhileItsDataLivesInAnEarlierSegmentGroup() throws IOException {
        fx.appendTxn(List.of(new Put("txn-key", "txn-value")), PID, (short) 0, 0);
        uniqueKeys("a", 20);
        fx.marker(PID, (short) 0, true);
        uniqueKeys("b", 20);
        Cleaner cleaner = fx.cleaner(Cleaner.StepListener.NONE);
        long markerOffset = fx.readBatches().stream().filter(MutableRecordBatch::isControlBatch).findFirst()
                .orElseThrow().baseOffset();
        assertThat(fx.log.segmentBaseOffsets().get(1)).as("data and marker in different segments")
                .isLessThan(markerOffset);

        fx.clean(cleaner, -1);
        fx.time.advance(CleanerFixture.DELETE_RETENTION_MS + 1);
        fx.clean(cleaner, -1);
        fx.time.advance(CleanerFixture.DELETE_RETENTION_MS + 1);
        fx.clean(cleaner, -1);

        assertThat(markers()).containsExactly(ControlRecordType.COMMIT);
        assertThat(latest("txn-key")).contains("txn-value");
        try (var files = Files.list(fx.dir)) {
            for (Path snapshot : files.filter(f -> f.toString().endsWith(".snapshot")).toList()) {
                Files.delete(snapshot);
            }
        }
        fx.crashAndReopen();
        assertThat(fx.log.hasOngoingTransaction(PID)).as("replayed from the start, the marker still closes it")
                .isFalse();
        assertThat(fx.log.lastStableOffset()).isEqualTo(fx.log.highWatermark());
    }

    @Test
    void theCleanerStopsAtTheFirstUndecidedTransaction() throws IOException {
        filler(5);
        long txnStart = fx.log.logEndOffset();
        fx.appendTxn(List.of(new Put("open", "undecided")), PID, (short) 0, 0);
        filler(20);
        List<Entry> fromTxn = fx.readAll().stream().filter(e -> e.offset() >= txnStart).toList();

        LogToClean toClean = LogToClean.of(fx.log, -1, fx.time.milliseconds());
        assertThat(fx.log.lastStableOffset()).isEqualTo(txnStart);
        assertThat(toClean.firstUncleanableOffset()).isLessThanOrEqualTo(txnStart);
        CleanerStats stats = fx.clean(fx.cleaner(Cleaner.StepListener.NONE), -1);

        assertThat(stats.endOffset()).isLessThanOrEqualTo(txnStart);
        assertThat(fx.readAll().stream().filter(e -> e.offset() >= txnStart).toList()).isEqualTo(fromTxn);

        fx.marker(PID, (short) 0, true);
        assertThat(LogToClean.of(fx.log, -1, fx.time.milliseconds()).firstUncleanableOffset())
                .isGreaterThan(txnStart);
    }
}
