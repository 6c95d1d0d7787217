/**
 * Sparse, memory-mapped segment indexes in Kafka's on-disk format.
 *
 * <p>{@code .index}: 8-byte entries {@code (int relativeOffset, int position)}, big-endian, where
 * relativeOffset is a batch's last offset minus the segment base offset and position is the byte
 * position of that batch in the {@code .log} file. {@code .timeindex}: 12-byte entries
 * {@code (long timestamp, int relativeOffset)}, timestamps strictly increasing. Both are
 * preallocated to {@code segment.index.bytes} while their segment is active and trimmed to their
 * entries when it rolls or the log closes, so a trimmed file's length tells its entry count.
 */
package io.runnel.storage.index;
