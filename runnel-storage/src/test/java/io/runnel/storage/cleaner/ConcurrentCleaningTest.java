package io.runnel.storage.cleaner;

import io.runnel.storage.cleaner.CleanerFixture.Entry;
import io.runnel.storage.cleaner.CleanerFixture.Put;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** Cleans while one thread appends and another reads the whole log over and over. */
class ConcurrentCleaningTest {

    @Test
    void readsAndAppendsCarryOnWhileSegmentsAreSwapped() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (CleanerFixture fx = new CleanerFixture(Map.of())) {
            AtomicBoolean done = new AtomicBoolean();
            Future<Integer> appender = threads.submit(() -> {
                int i = 0;
                while (!done.get()) {
                    fx.append(List.of(new Put("k" + (i % 10), "v" + i)));
                    i++;
                }
                return i;
            });
            Future<Integer> reader = threads.submit(() -> {
                int reads = 0;
                while (!done.get()) {
                    List<Entry> entries = fx.readAll();
                    assertThat(entries).extracting(Entry::offset).isSorted().doesNotHaveDuplicates();
                    reads++;
                }
                return reads;
            });
            Cleaner cleaner = fx.cleaner(Cleaner.StepListener.NONE);
            long checkpoint = -1;
            int swaps = 0;
            while (swaps < 50) {
                CleanerStats stats = fx.clean(cleaner, checkpoint);
                checkpoint = stats.endOffset();
                swaps += stats.segmentsCleaned();
            }
            done.set(true);
            int appended = appender.get(30, TimeUnit.SECONDS);
            assertThat(reader.get(30, TimeUnit.SECONDS)).isPositive();

            List<Entry> all = fx.readAll();
            for (int k = 0; k < 10; k++) {
                int lastValue = appended - 1 - Math.floorMod(appended - 1 - k, 10);
                String key = "k" + k;
                assertThat(all.stream().filter(e -> e.key().equals(key)).reduce((a, b) -> b).orElseThrow().value())
                        .isEqualTo("v" + lastValue);
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
