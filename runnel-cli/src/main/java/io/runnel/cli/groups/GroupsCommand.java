package io.runnel.cli.groups;

import io.runnel.cli.UsageError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code runnel groups}: groups the consumer group commands. */
@Command(name = "groups", mixinStandardHelpOptions = true,
        description = "List, describe (with lag), reset the offsets of, or delete consumer groups.",
        subcommands = {ListGroupsCommand.class, DescribeGroupsCommand.class, ResetOffsetsCommand.class,
            DeleteGroupsCommand.class})
public final class GroupsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw UsageError.missingSubcommand(spec);
    }
}
