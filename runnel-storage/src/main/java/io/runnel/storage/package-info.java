/**
 * Partition logs on disk, in Kafka's shape: one directory per partition, segments named by base
 * offset ({@code .log}, {@code .index}, {@code .timeindex}), record batches stored exactly as the
 * producer sent them with offsets assigned in the batch header.
 *
 * <p>This module knows nothing of the network or of cluster metadata. Its entry points are
 * {@link io.runnel.storage.LogManager} (one per broker: loads, recovers, creates and deletes
 * logs, runs retention and flush) and {@link io.runnel.storage.PartitionLog} (one per partition).
 * Failures surface as Kafka's {@code ApiException} subclasses so the broker can map them to error
 * codes with {@code Errors.forException}.
 */
package io.runnel.storage;
