/**
 * Idempotent producer state per partition: for each producer id its epoch and its last five
 * batches' sequence and offset ranges, used to reject gaps and stale epochs and to answer
 * retried batches with their original offsets. Snapshotted to {@code %020d.snapshot} files
 * (see {@link io.runnel.storage.producer.ProducerSnapshotFile}) and rebuilt after a crash from
 * the latest snapshot plus the batch headers after it.
 */
package io.runnel.storage.producer;
