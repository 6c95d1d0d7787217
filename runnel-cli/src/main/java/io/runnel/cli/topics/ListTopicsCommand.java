package io.runnel.cli.topics;

import io.runnel.cli.ClientOptions;
import io.runnel.cli.CommandContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/** {@code runnel topics list}: topic names, sorted, one per line. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List topic names, one per line.")
final class ListTopicsCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Option(names = "--exclude-internal", description = "Leave out internal topics (__consumer_offsets...).")
    boolean excludeInternal;

    private final CommandContext context;

    ListTopicsCommand(CommandContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws ExecutionException, InterruptedException {
        try (Admin admin = context.clients().admin(client.properties())) {
            ListTopicsOptions options = new ListTopicsOptions().listInternal(!excludeInternal);
            new TreeSet<>(admin.listTopics(options).names().get()).forEach(context.out()::println);
        }
        return 0;
    }
}
