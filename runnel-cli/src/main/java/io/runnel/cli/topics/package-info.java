/**
 * {@code runnel topics}: topic administration on kafka-clients' {@link org.apache.kafka.clients.admin.Admin},
 * with kafka-topics.sh's option names and output layout. One class per subcommand; each opens
 * an Admin client for the duration of the command.
 */
package io.runnel.cli.topics;
