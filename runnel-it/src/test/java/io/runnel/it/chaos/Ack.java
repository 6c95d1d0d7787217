package io.runnel.it.chaos;

/**
 * An acknowledged send: where the leader stored it and when the producer's callback ran
 * ({@link System#nanoTime()}, comparable only within the test JVM).
 */
record Ack(StoredRecord record, long ackedAtNanos) {
}
