/**
 * Fetch sessions (KIP-227): a consumer's set of partitions is cached under a session id so that
 * later fetches carry and return only what changed. The cache answers each Fetch with a
 * {@link io.runnel.broker.fetch.FetchContext} that says what to read and how to filter the response.
 */
package io.runnel.broker.fetch;
