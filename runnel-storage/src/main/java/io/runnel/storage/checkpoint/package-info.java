/**
 * Small text files in Kafka's formats that record offsets and identities across restarts:
 * per log directory {@code recovery-point-offset-checkpoint}, {@code replication-offset-checkpoint}
 * and {@code log-start-offset-checkpoint}; per partition {@code leader-epoch-checkpoint} and
 * {@code partition.metadata}. Each is replaced atomically (temporary file, fsync, rename).
 */
package io.runnel.storage.checkpoint;
