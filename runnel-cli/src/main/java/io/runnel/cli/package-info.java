/**
 * The {@code runnel} command (picocli): {@link io.runnel.cli.Main} wires the command tree,
 * {@code runnel server} runs a node; topic and console commands live in sub-packages.
 * Every command gets its streams, clock and client factory from {@link io.runnel.cli.CommandContext}, so tests call
 * {@link io.runnel.cli.Main#run} without a process. Failures become one {@code runnel: } line on
 * stderr and an exit code (1 run-time, 2 usage/config).
 */
package io.runnel.cli;
