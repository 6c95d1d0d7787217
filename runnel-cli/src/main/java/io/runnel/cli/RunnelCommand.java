package io.runnel.cli;

import io.runnel.cli.cluster.DevClusterCommand;
import io.runnel.cli.console.ConsumeCommand;
import io.runnel.cli.console.ProduceCommand;
import io.runnel.cli.groups.GroupsCommand;
import io.runnel.cli.topics.TopicsCommand;
import io.runnel.cli.transactions.TransactionsCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code runnel}: the root command; it only dispatches to a subcommand. */
@Command(name = "runnel", mixinStandardHelpOptions = true, versionProvider = RunnelVersion.class,
        description = "Runnel: an event streaming broker that speaks the Apache Kafka protocol.",
        subcommands = {ServerCommand.class, DevClusterCommand.class, TopicsCommand.class, GroupsCommand.class, TransactionsCommand.class, ProduceCommand.class, ConsumeCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 run-time failure, 2 usage or configuration error."})
public final class RunnelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw UsageError.missingSubcommand(spec);
    }
}
