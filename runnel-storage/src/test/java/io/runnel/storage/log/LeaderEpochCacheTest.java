package io.runnel.storage.log;

import io.runnel.storage.EpochEndOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LeaderEpochCacheTest {
    @TempDir
    Path dir;

    @Test
    void endOffsetsFollowKafkasRules() throws Exception {
        LeaderEpochCache cache = LeaderEpochCache.load(dir);
        assertThat(cache.endOffsetFor(0, 10)).isEqualTo(new EpochEndOffset(-1, -1));
        cache.assign(2, 10);
        cache.assign(4, 25);
        cache.assign(3, 30);
        cache.assign(7, 40);

        assertThat(cache.latestEpoch()).isEqualTo(7);
        assertThat(cache.endOffsetFor(7, 55)).isEqualTo(new EpochEndOffset(7, 55));
        assertThat(cache.endOffsetFor(5, 55)).isEqualTo(new EpochEndOffset(4, 40));
        assertThat(cache.endOffsetFor(2, 55)).isEqualTo(new EpochEndOffset(2, 25));
        assertThat(cache.endOffsetFor(1, 55)).isEqualTo(new EpochEndOffset(1, 10));
        assertThat(cache.endOffsetFor(8, 55)).isEqualTo(new EpochEndOffset(-1, -1));
        assertThat(cache.endOffsetFor(-1, 55)).isEqualTo(new EpochEndOffset(-1, -1));
        assertThat(Files.readString(dir.resolve("leader-epoch-checkpoint"))).isEqualTo("0\n3\n2 10\n4 25\n7 40\n");
    }

    @Test
    void truncationAtBothEndsIsPersisted() throws Exception {
        LeaderEpochCache cache = LeaderEpochCache.load(dir);
        cache.assign(1, 0);
        cache.assign(2, 10);
        cache.assign(3, 20);
        cache.truncateFromEnd(20);
        cache.truncateFromStart(15);

        LeaderEpochCache reloaded = LeaderEpochCache.load(dir);
        assertThat(reloaded.latestEpoch()).isEqualTo(2);
        assertThat(reloaded.endOffsetFor(1, 30)).isEqualTo(new EpochEndOffset(1, 15));
        assertThat(Files.readString(dir.resolve("leader-epoch-checkpoint"))).isEqualTo("0\n1\n2 15\n");
    }
}
