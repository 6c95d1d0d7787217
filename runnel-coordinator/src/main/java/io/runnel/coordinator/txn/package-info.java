/**
 * The transaction coordinator (KIP-98, with KIP-360 producer recovery and KIP-890 transaction
 * version 2): transactional ids and their transactions kept on {@code __transaction_state}, one
 * coordinator shard per partition on the coordinator runtime. A request computes records plus a
 * response; state changes only when the records are replayed, so loading a partition after a
 * leadership move rebuilds exactly the state the previous leader had. Commit and abort markers
 * are written to the data partitions through a {@link io.runnel.coordinator.txn.TransactionMarkerWriter}
 * the broker provides.
 */
package io.runnel.coordinator.txn;
