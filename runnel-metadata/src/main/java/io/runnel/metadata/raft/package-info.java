/**
 * The metadata log on Apache Ratis: the Raft server and its state machine (replay into images,
 * snapshots), Ratis settings, and the log dirs' {@code meta.properties} written when storage is
 * formatted on first start.
 */
package io.runnel.metadata.raft;
