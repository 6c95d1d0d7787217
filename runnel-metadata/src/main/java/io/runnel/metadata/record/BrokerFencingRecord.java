package io.runnel.metadata.record;

import org.apache.kafka.common.Uuid;

/**
 * A broker was fenced (missed its session, asked to be) or unfenced (caught up and heartbeating).
 * It applies only to the incarnation it names, so a late record about an earlier process of the
 * same node id cannot change the current registration (Kafka: FenceBrokerRecord / UnfenceBrokerRecord).
 */
public record BrokerFencingRecord(int brokerId, Uuid incarnationId, boolean fenced) implements MetadataRecord {
}
