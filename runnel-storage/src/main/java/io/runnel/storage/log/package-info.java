/**
 * The partition log implementation: {@link io.runnel.storage.log.SegmentedLog} (appends, reads,
 * roll, retention, flush), {@link io.runnel.storage.log.LogSegment} (one {@code .log} file and
 * its indexes), {@link io.runnel.storage.log.LogLoader} (open and crash recovery) and the
 * header-only batch scanning they share ({@link io.runnel.storage.log.BatchCursor}).
 */
package io.runnel.storage.log;
