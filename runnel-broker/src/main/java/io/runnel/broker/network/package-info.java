/**
 * The Kafka protocol network layer: TCP listeners on Netty that turn frames into parsed requests for
 * a {@link io.runnel.broker.network.RequestDispatcher} and write its responses back.
 *
 * <h2>Wire format</h2>
 * Every request and response is a 4-byte big-endian size followed by that many bytes: a request
 * header (version from {@code ApiKeys#requestHeaderVersion}) and body, or a response header (version
 * from {@code ApiKeys#responseHeaderVersion}; always 0 for ApiVersions) and body. Bodies are encoded
 * and decoded by kafka-clients' generated message classes.
 *
 * <h2>Threading model</h2>
 * <ul>
 *   <li>One acceptor thread accepts connections for every listener; {@code numThreads} event-loop
 *       threads (epoll when available, NIO otherwise) serve them. A connection is owned by one event
 *       loop for its whole life: its decoder, its {@code ConnectionHandler} and its queue of pending
 *       responses are only touched there, so they need no locks.</li>
 *   <li>The event loop parses each request and calls {@code RequestDispatcher#dispatch} right away,
 *       without waiting for earlier requests on the connection. The dispatcher must not block; it
 *       may complete the returned future on any thread. The completion hops back to the
 *       connection's event loop before anything is written.</li>
 *   <li>Responses are written strictly in request order: a completed response waits in its slot
 *       until every earlier one is written; a null response (Produce with acks=0) only frees its
 *       slot. Responses that become ready together are flushed once.</li>
 *   <li>Backpressure: a connection stops reading while more than 100 responses are pending or its
 *       outbound buffer is above the high-water mark.</li>
 * </ul>
 *
 * <h2>Memory</h2>
 * Each request frame is copied once into its own heap buffer (as Kafka does); parsed requests may
 * keep slices of it (Produce records) for as long as the handler holds them, with no reference
 * counting. Responses are encoded into pooled buffers pre-sized from the message's computed size;
 * record data is not copied: {@link io.runnel.storage.FileSlice}s go out as file regions
 * ({@code sendfile} on epoll, {@code transferTo} on NIO) and in-memory records as wrapped buffers.
 *
 * <h2>Bad clients</h2>
 * An oversized or negative frame size (checked before anything is allocated for the body), an
 * unknown API key, an unsupported version or a malformed header or body closes the connection with
 * one WARN line and no stack trace. An ApiVersions request of an unsupported version is answered
 * with the v0 layout, error UNSUPPORTED_VERSION and our API list (KIP-511), and the connection stays
 * open.
 */
package io.runnel.broker.network;
