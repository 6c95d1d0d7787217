package io.runnel.metadata.record;

import io.runnel.metadata.BrokerRegistration;

/** A broker registered (replacing any earlier incarnation of the same node id). */
public record RegisterBrokerRecord(BrokerRegistration registration) implements MetadataRecord {
}
