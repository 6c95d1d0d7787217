package io.runnel.cli.transactions;

import io.runnel.cli.ClientOptions;
import io.runnel.cli.CommandContext;
import io.runnel.cli.TextTable;
import io.runnel.cli.UsageError;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionListing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/**
 * {@code runnel transactions list}: the transactions every coordinator holds (ListTransactions);
 * with {@code --hanging}, the open transactions of the partitions that no coordinator will end
 * ({@link HangingTransactions}), with what {@code runnel transactions abort} needs.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the transactional ids the coordinators hold, or with --hanging the open transactions "
                + "that hold a partition's last stable offset back and that no coordinator will end.")
final class ListTransactionsCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Option(names = "--hanging", description = "List hanging transactions (as kafka-transactions.sh find-hanging).")
    boolean hanging;

    @Option(names = "--max-transaction-timeout-ms", paramLabel = "MS",
            description = "With --hanging: only transactions open longer than this (default: the broker's "
                    + "transaction.max.timeout.ms).")
    Long maxTimeoutMs;

    @Option(names = "--topic", paramLabel = "TOPIC", split = ",",
            description = "With --hanging: only these topics (default: every topic, internal ones too).")
    List<String> topics;

    private final CommandContext context;

    ListTransactionsCommand(CommandContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws ExecutionException, InterruptedException {
        if (!hanging && (maxTimeoutMs != null || topics != null)) {
            throw new UsageError("--max-transaction-timeout-ms and --topic go with --hanging");
        }
        if (maxTimeoutMs != null && maxTimeoutMs < 0) {
            throw new UsageError("--max-transaction-timeout-ms must not be negative");
        }
        try (Admin admin = context.clients().admin(client.properties())) {
            List<String> lines = hanging ? hangingLines(admin) : transactionLines(admin);
            lines.forEach(context.out()::println);
        }
        return 0;
    }

    private List<String> transactionLines(Admin admin) throws ExecutionException, InterruptedException {
        Map<Integer, Collection<TransactionListing>> byCoordinator =
                admin.listTransactions(new ListTransactionsOptions()).allByBrokerId().get();
        record Row(String transactionalId, int coordinator, TransactionListing listing) {
        }
        List<Row> rows = new ArrayList<>();
        byCoordinator.forEach((coordinator, listings) ->
                listings.forEach(l -> rows.add(new Row(l.transactionalId(), coordinator, l))));
        rows.sort(Comparator.comparing(Row::transactionalId));
        TextTable table = new TextTable("TRANSACTIONAL-ID", "COORDINATOR", "PRODUCER-ID", "STATE");
        rows.forEach(r -> table.add(r.transactionalId(), r.coordinator(), r.listing().producerId(), r.listing().state()));
        return table.lines();
    }

    private List<String> hangingLines(Admin admin) throws ExecutionException, InterruptedException {
        long limitMs = maxTimeoutMs != null ? maxTimeoutMs : HangingTransactions.brokerMaxTimeoutMs(admin);
        long nowMs = context.time().milliseconds();
        TextTable table = new TextTable("TOPIC", "PARTITION", "PRODUCER-ID", "PRODUCER-EPOCH", "COORDINATOR-EPOCH",
                "START-OFFSET", "LAST-TIMESTAMP", "OPEN-MS", "REASON");
        for (OpenTransaction t : HangingTransactions.find(admin, topics == null ? List.of() : topics, limitMs, nowMs)) {
            table.add(t.partition().topic(), t.partition().partition(), t.producer().producerId(),
                    t.producer().producerEpoch(), t.producer().coordinatorEpoch().orElse(-1), t.startOffset(),
                    t.producer().lastTimestamp(), t.openMs(nowMs), t.reason());
        }
        return table.lines();
    }
}
