/**
 * One handler per Kafka API key, each registered in {@link io.runnel.broker.api.ApiTable} with
 * the version range it implements; ApiVersions is generated from that table. Each handler's
 * Javadoc lists the version differences it honours. Handlers map failures to Kafka error codes
 * ({@code ErrorMapping}) and log only what is not a client's mistake.
 */
package io.runnel.broker.api;
