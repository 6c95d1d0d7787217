/**
 * The broker's side of the KRaft lifecycle: registration with the active controller, periodic
 * heartbeats that keep the broker unfenced, and the fencing request on shutdown.
 */
package io.runnel.broker.lifecycle;
