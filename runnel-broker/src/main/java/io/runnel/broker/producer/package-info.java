/** Producer ids for idempotent producers, handed out from blocks the controller allocates. */
package io.runnel.broker.producer;
