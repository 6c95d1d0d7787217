/**
 * {@code runnel groups}: consumer groups and their lag. The commands talk to the cluster through
 * kafka-clients' Admin (so they work against Kafka too); lag is the high watermark the partition
 * leader reports minus the offset the group coordinator holds, for every partition the group has
 * committed or is assigned.
 */
package io.runnel.cli.groups;
