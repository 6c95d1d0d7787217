/**
 * The randomized fault test ({@link io.runnel.it.chaos.ChaosIT}): idempotent {@code acks=all}
 * producers and a consumer group run against a three-node cluster while a seeded fault thread
 * kills, pauses, stops or isolates one node at a time; afterwards a checker compares what was
 * acknowledged and what consumers read with a fresh read of every partition. Each class here owns
 * one role: the load ({@link io.runnel.it.chaos.AckingProducer},
 * {@link io.runnel.it.chaos.RecordingConsumer}), the faults ({@link io.runnel.it.chaos.FaultInjector}),
 * the verdict ({@link io.runnel.it.chaos.ChaosChecker}) and its summary
 * ({@link io.runnel.it.chaos.ChaosReport}).
 */
package io.runnel.it.chaos;
