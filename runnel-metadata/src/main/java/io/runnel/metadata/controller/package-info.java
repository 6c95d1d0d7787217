/**
 * The controller: one class per operation computing records plus a result from an image
 * (pure, testable without Raft), and {@link io.runnel.metadata.controller.QuorumController}, which
 * runs them one at a time on the controller thread and appends their records.
 */
package io.runnel.metadata.controller;
