package io.runnel.storage.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransactionIndexTest {
    @TempDir
    Path dir;

    @Test
    void entriesAreWrittenInKafkasLayoutAndReadBack() throws Exception {
        Path file = dir.resolve("00000000000000000100.txnindex");
        TransactionIndex index = new TransactionIndex(file, 100);
        assertThat(file).as("created with the first entry").doesNotExist();
        index.append(new TxnIndexEntry(7, 90, 105, 106));
        index.append(new TxnIndexEntry(8, 101, 110, 104));
        index.flush();
        index.close();

        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        assertThat(bytes.remaining()).isEqualTo(2 * 34);
        assertThat(bytes.getShort()).isZero();
        assertThat(new long[]{bytes.getLong(), bytes.getLong(), bytes.getLong(), bytes.getLong()})
                .containsExactly(7, 90, 105, 106);
        assertThat(new TransactionIndex(file, 100).entries()).containsExactly(new TxnIndexEntry(7, 90, 105, 106),
                new TxnIndexEntry(8, 101, 110, 104));
    }

    @Test
    void collectFiltersByRangeAndStopsOnceALastStableOffsetReachesTheBound() throws Exception {
        TransactionIndex index = new TransactionIndex(dir.resolve("00000000000000000000.txnindex"), 0);
        index.append(new TxnIndexEntry(1, 0, 10, 5));
        index.append(new TxnIndexEntry(2, 5, 20, 21));
        index.append(new TxnIndexEntry(3, 21, 30, 31));

        List<TxnIndexEntry> found = new ArrayList<>();
        assertThat(index.collect(11, 21, found)).isTrue();
        assertThat(found).extracting(TxnIndexEntry::producerId).containsExactly(2L);
        found.clear();
        assertThat(index.collect(0, 100, found)).isFalse();
        assertThat(found).hasSize(3);
        index.close();
    }

    @Test
    void truncateDropsEntriesWhoseMarkerIsAtOrAfterTheOffset() throws Exception {
        Path file = dir.resolve("00000000000000000000.txnindex");
        TransactionIndex index = new TransactionIndex(file, 0);
        index.append(new TxnIndexEntry(1, 0, 10, 11));
        index.append(new TxnIndexEntry(2, 11, 20, 21));
        index.truncateTo(20);
        assertThat(index.entries()).extracting(TxnIndexEntry::producerId).containsExactly(1L);
        assertThat(Files.size(file)).isEqualTo(34);
        assertThatThrownBy(() -> index.append(new TxnIndexEntry(3, 0, 10, 11)))
                .isInstanceOf(IllegalArgumentException.class);
        index.reset();
        assertThat(index.isEmpty()).isTrue();
        assertThat(Files.size(file)).isZero();
        index.close();
    }

    @Test
    void aFileThatFailsTheSanityCheckIsRefused() throws Exception {
        Path torn = dir.resolve("00000000000000000000.txnindex");
        Files.write(torn, new byte[35]);
        assertThatThrownBy(() -> new TransactionIndex(torn, 0)).isInstanceOf(TransactionIndex.CorruptIndexException.class);

        Path belowBase = dir.resolve("00000000000000000050.txnindex");
        TransactionIndex index = new TransactionIndex(belowBase, 0);
        index.append(new TxnIndexEntry(1, 0, 10, 11));
        index.close();
        assertThatThrownBy(() -> new TransactionIndex(belowBase, 50))
                .isInstanceOf(TransactionIndex.CorruptIndexException.class);
    }
}
