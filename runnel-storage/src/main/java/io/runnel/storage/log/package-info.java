/**
 * The partition log implementation: {@link io.runnel.storage.log.SegmentedLog} (appends, reads,
 * roll, retention, flush), {@link io.runnel.storage.log.LogSegment} (one {@code .log} file and
 * its indexes), {@link io.runnel.storage.log.LogLoader} (open and crash recovery) and the
 * header-only batch scanning they share ({@link io.runnel.storage.log.BatchCursor}). Transaction
 * markers are read with {@link io.runnel.storage.log.TxnMarkers}; each segment keeps the
 * aborted-transaction index of the ABORT markers it holds.
 */
package io.runnel.storage.log;
