package io.runnel.cli.groups;

import io.runnel.cli.ClientOptions;
import io.runnel.cli.CommandContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/** {@code runnel groups delete}: DeleteGroups; only groups without active members can go. */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Delete consumer groups and their committed offsets (only groups without active members).")
final class DeleteGroupsCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Mixin
    GroupOptions which;

    private final CommandContext context;

    DeleteGroupsCommand(CommandContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws ExecutionException, InterruptedException {
        try (Admin admin = context.clients().admin(client.properties())) {
            List<String> groups = which.resolve(admin);
            var results = admin.deleteConsumerGroups(groups).deletedGroups();
            for (String group : groups) {
                try {
                    results.get(group).get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof GroupNotEmptyException) {
                        throw new GroupNotEmptyException("group '" + group + "' has active members: stop them first");
                    }
                    if (e.getCause() instanceof GroupIdNotFoundException) {
                        throw new GroupIdNotFoundException("group '" + group + "' does not exist");
                    }
                    throw e;
                }
                context.out().println("Deleted group '" + group + "'.");
            }
        }
        return 0;
    }
}
