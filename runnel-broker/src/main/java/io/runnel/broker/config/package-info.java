/**
 * Broker configuration: Kafka's broker keys ({@code server.properties}) parsed with kafka-clients'
 * {@link org.apache.kafka.common.config.ConfigDef}, with Kafka's types, validators and defaults
 * (a few Runnel defaults make a single node start with no file at all). Depends only on
 * kafka-clients; the rest of the broker reads {@link io.runnel.broker.config.BrokerConfig}.
 */
package io.runnel.broker.config;
