/**
 * Parking for requests that wait on an event: long-poll fetches (max.wait.ms) and, in a cluster,
 * acks=all produces. Operations complete on events or on a timer, never by polling.
 */
package io.runnel.broker.purgatory;
