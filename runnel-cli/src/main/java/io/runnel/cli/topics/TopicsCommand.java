package io.runnel.cli.topics;

import io.runnel.cli.UsageError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code runnel topics}: groups the topic administration commands. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Create, list, describe, alter or delete topics.",
        subcommands = {CreateTopicCommand.class, ListTopicsCommand.class, DescribeTopicsCommand.class,
            AlterTopicCommand.class, DeleteTopicCommand.class})
public final class TopicsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw UsageError.missingSubcommand(spec);
    }
}
