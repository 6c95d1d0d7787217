package io.runnel.cli.transactions;

import io.runnel.cli.ClientOptions;
import io.runnel.cli.CommandContext;
import io.runnel.cli.TextTable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * {@code runnel transactions describe}: a transactional id's state at its coordinator
 * (DescribeTransactions): producer id and epoch, state, timeout, when the current transaction
 * started and how long ago, and the partitions in it. Times are in ms; "-" when no transaction is open.
 */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Show a transactional id's producer, state, timeout, current transaction start and partitions.")
final class DescribeTransactionCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Option(names = "--transactional-id", required = true, paramLabel = "ID", description = "The transactional id.")
    String transactionalId;

    private final CommandContext context;

    DescribeTransactionCommand(CommandContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws ExecutionException, InterruptedException {
        TransactionDescription description;
        try (Admin admin = context.clients().admin(client.properties())) {
            description = admin.describeTransactions(List.of(transactionalId)).description(transactionalId).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TransactionalIdNotFoundException) {
                throw new TransactionalIdNotFoundException("transactional id '" + transactionalId + "' does not exist");
            }
            throw e;
        }
        lines(description, context.time().milliseconds()).forEach(context.out()::println);
        return 0;
    }

    private List<String> lines(TransactionDescription d, long nowMs) {
        TextTable table = new TextTable("TRANSACTIONAL-ID", "COORDINATOR", "PRODUCER-ID", "PRODUCER-EPOCH", "STATE",
                "TIMEOUT-MS", "START-TIME-MS", "DURATION-MS", "PARTITIONS");
        String partitions = d.topicPartitions().stream()
                .sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
                .map(TopicPartition::toString).collect(Collectors.joining(","));
        table.add(transactionalId, d.coordinatorId(), d.producerId(), d.producerEpoch(), d.state(),
                d.transactionTimeoutMs(),
                d.transactionStartTimeMs().isPresent() ? d.transactionStartTimeMs().getAsLong() : "-",
                d.transactionStartTimeMs().isPresent() ? nowMs - d.transactionStartTimeMs().getAsLong() : "-",
                partitions.isEmpty() ? "-" : partitions);
        return table.lines();
    }
}
