/**
 * The partitions this broker holds, kept in step with the metadata image, and the rules of
 * leadership that apply to them: leader epoch checks, the followers' fetch state, the high
 * watermark (minimum log end offset over the ISR), ISR shrink and expand through the controller's
 * AlterPartition, and min.insync.replicas. The follower side lives in {@code .fetcher}.
 */
package io.runnel.broker.replica;
