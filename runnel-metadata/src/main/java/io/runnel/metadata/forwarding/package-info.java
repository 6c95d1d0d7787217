/**
 * Controller calls from any node: {@link io.runnel.metadata.forwarding.ForwardingController}
 * runs a call in-process on the active controller, or sends it to the Raft leader as a Ratis
 * read-only message, where {@link io.runnel.metadata.forwarding.ControllerCallHandler} hands it
 * to the local controller. {@link io.runnel.metadata.forwarding.ControllerMessages} is the wire
 * format: Kafka's generated request and response messages in a small envelope.
 */
package io.runnel.metadata.forwarding;
