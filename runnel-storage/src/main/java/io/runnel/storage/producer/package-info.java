/**
 * Idempotent and transactional producer state per partition: for each producer id its epoch,
 * its last five batches' sequence and offset ranges (used to reject gaps and stale epochs and to
 * answer retried batches with their original offsets), its coordinator epoch and the first offset
 * of its ongoing transaction; plus the partition's ongoing and not-yet-replicated transactions,
 * which give the first unstable offset, and KIP-890 verification guards. Snapshotted to
 * {@code %020d.snapshot} files (see {@link io.runnel.storage.producer.ProducerSnapshotFile}) and
 * rebuilt after a crash from the latest snapshot plus the batches after it.
 */
package io.runnel.storage.producer;
