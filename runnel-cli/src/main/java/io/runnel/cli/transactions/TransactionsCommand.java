package io.runnel.cli.transactions;

import io.runnel.cli.UsageError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code runnel transactions}: groups the transaction commands. */
@Command(name = "transactions", mixinStandardHelpOptions = true,
        description = "List (or find hanging), describe, or abort transactions.",
        subcommands = {ListTransactionsCommand.class, DescribeTransactionCommand.class, AbortTransactionCommand.class})
public final class TransactionsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw UsageError.missingSubcommand(spec);
    }
}
