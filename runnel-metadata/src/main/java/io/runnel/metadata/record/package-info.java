/**
 * Metadata records, the unit of change of cluster metadata, and their binary codec. A Raft log
 * entry carries one batch of records, applied atomically. Depends only on the public metadata
 * types and Kafka's small value classes ({@code Uuid}, {@code ConfigResource}).
 */
package io.runnel.metadata.record;
