/**
 * {@code runnel transactions}: transactions as their coordinators and the partition leaders see
 * them, and the repair of a hanging one. The commands talk to the cluster through kafka-clients'
 * Admin (ListTransactions, DescribeTransactions, DescribeProducers, WriteTxnMarkers through
 * abortTransaction), so they work against Kafka too, as Kafka's kafka-transactions.sh does.
 */
package io.runnel.cli.transactions;
