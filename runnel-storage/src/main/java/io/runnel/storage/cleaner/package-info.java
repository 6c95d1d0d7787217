/**
 * Log compaction: {@link io.runnel.storage.cleaner.LogCleaner} (background threads, choice of
 * the dirtiest log, {@code cleaner-offset-checkpoint}), {@link io.runnel.storage.cleaner.LogToClean}
 * (dirty section and the ratio/lag rules), {@link io.runnel.storage.cleaner.Cleaner} (one clean:
 * offset map, then cleaned segments swapped in through {@code .cleaned} and {@code .swap} files)
 * and {@link io.runnel.storage.cleaner.OffsetMap} (the bounded dedupe buffer). Semantics follow
 * Kafka's cleaner (keys' latest records kept at their offsets, tombstones kept until their
 * batch's delete horizon, aborted transactional records dropped and transaction markers removed
 * once their data is gone, see {@link io.runnel.storage.cleaner.CleanedTransactions}).
 */
package io.runnel.storage.cleaner;
