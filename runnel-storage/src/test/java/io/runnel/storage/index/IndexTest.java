package io.runnel.storage.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class IndexTest {
    @TempDir
    Path dir;

    @Test
    void offsetIndexLooksUpTheLastEntryAtOrBelowAndTrimsToItsEntries() throws Exception {
        Path file = dir.resolve("00000000000000000100.index");
        OffsetIndex index = new OffsetIndex(file, 100, 80, true);
        assertThat(Files.size(file)).isEqualTo(80);
        assertThat(index.lookupPosition(150)).isZero();
        index.append(110, 1000);
        index.append(120, 2000);
        index.append(130, 3000);

        assertThat(index.lookupPosition(109)).isZero();
        assertThat(index.lookupPosition(110)).isEqualTo(1000);
        assertThat(index.lookupPosition(129)).isEqualTo(2000);
        assertThat(index.lookupPosition(1000)).isEqualTo(3000);
        index.truncateTo(121);
        assertThat(index.entries()).isEqualTo(2);
        index.close();
        assertThat(Files.size(file)).isEqualTo(16);

        OffsetIndex reopened = new OffsetIndex(file, 100, 80, true);
        assertThat(reopened.entries()).isEqualTo(2);
        assertThat(reopened.lastOffset()).isEqualTo(120);
        assertThat(reopened.isFull()).isFalse();
        for (int i = 0; i < 8; i++) {
            reopened.append(200 + i, 5000 + i);
        }
        assertThat(reopened.isFull()).isTrue();
    }

    @Test
    void timeIndexKeepsTimestampsIncreasingAndReservesTheRollSlot() throws Exception {
        TimeIndex index = new TimeIndex(dir.resolve("00000000000000000000.timeindex"), 0, 36, true);
        index.maybeAppend(1000, 5);
        index.maybeAppend(1000, 9);
        index.maybeAppend(900, 12);
        assertThat(index.entries()).isEqualTo(1);
        assertThat(index.isFull()).isFalse();
        index.maybeAppend(2000, 20);
        assertThat(index.isFull()).isTrue();
        index.maybeAppend(3000, 30);
        assertThat(index.entries()).isEqualTo(3);

        assertThat(index.lookupOffset(999)).isZero();
        assertThat(index.lookupOffset(1000)).isZero();
        assertThat(index.lookupOffset(1001)).isEqualTo(5);
        assertThat(index.lookupOffset(5000)).isEqualTo(30);
        assertThat(index.lastTimestamp()).isEqualTo(3000);
        index.truncateTo(20);
        assertThat(index.lastOffset()).isEqualTo(5);
        index.close();
    }

    @Test
    void timeIndexIgnoresBatchesWithoutTimestamps() throws Exception {
        TimeIndex index = new TimeIndex(dir.resolve("00000000000000000000.timeindex"), 0, 36, true);
        index.maybeAppend(-1, -1);
        assertThat(index.entries()).as("no timestamp (-1), and no offset carrying the max timestamp").isZero();
        index.maybeAppend(5, 3);
        assertThat(index.entries()).isEqualTo(1);
        index.close();
    }
}
