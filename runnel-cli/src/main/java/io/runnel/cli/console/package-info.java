/**
 * {@code runnel produce} and {@code runnel consume}: console producer and consumer on
 * kafka-clients, line-oriented and UTF-8, with kafka-console-producer/-consumer's option names.
 * The consumer uses {@code assign()} and never joins a group or commits offsets.
 */
package io.runnel.cli.console;
