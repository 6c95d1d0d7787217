/**
 * The Runnel broker: {@link io.runnel.broker.Broker} wires storage, the metadata quorum and the
 * Kafka protocol server together. Sub-packages: {@code network} (Netty, framing, ordering,
 * zero-copy), {@code api} (one handler per API key), {@code replica} (partitions this broker
 * holds), {@code fetch} (fetch sessions, parked fetches), {@code purgatory}, {@code producer}
 * (producer id blocks), {@code config} (Kafka's broker configuration keys).
 */
package io.runnel.broker;
