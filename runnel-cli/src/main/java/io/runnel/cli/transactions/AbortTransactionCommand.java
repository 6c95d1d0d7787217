package io.runnel.cli.transactions;

import io.runnel.cli.ClientOptions;
import io.runnel.cli.CommandContext;
import io.runnel.cli.InputError;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/**
 * {@code runnel transactions abort}: ends a hanging transaction of one producer in one partition
 * by having the partition leader write an ABORT marker (Admin abortTransaction, WriteTxnMarkers).
 * The producer's epoch and last coordinator epoch come from the leader (DescribeProducers); a
 * producer never told by a coordinator (coordinator epoch -1) is aborted with epoch 0, as
 * kafka-transactions.sh does. Aborting a transaction its coordinator still runs would break it:
 * use {@code runnel transactions list --hanging} first.
 */
@Command(name = "abort", mixinStandardHelpOptions = true,
        description = "Abort a hanging transaction: write an ABORT marker for the producer in the partition.")
final class AbortTransactionCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "The topic.")
    String topic;

    @Option(names = "--partition", required = true, paramLabel = "P", description = "The partition.")
    int partition;

    @Option(names = "--producer-id", required = true, paramLabel = "ID",
            description = "The producer whose open transaction to abort (see 'runnel transactions list --hanging').")
    long producerId;

    private final CommandContext context;

    AbortTransactionCommand(CommandContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws ExecutionException, InterruptedException {
        TopicPartition tp = new TopicPartition(topic, partition);
        try (Admin admin = context.clients().admin(client.properties())) {
            List<ProducerState> producers = admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers();
            ProducerState open = producers.stream()
                    .filter(p -> p.producerId() == producerId && p.currentTransactionStartOffset().isPresent())
                    .findFirst()
                    .orElseThrow(() -> new InputError("producer " + producerId + " has no open transaction in " + tp));
            AbortTransactionSpec spec = new AbortTransactionSpec(tp, producerId, (short) open.producerEpoch(),
                    Math.max(0, open.coordinatorEpoch().orElse(0)));
            admin.abortTransaction(spec).all().get();
            context.out().println("Aborted the transaction of producer " + producerId + " (epoch " + open.producerEpoch()
                    + ") in " + tp + " that started at offset " + open.currentTransactionStartOffset().getAsLong() + ".");
        }
        return 0;
    }
}
