package io.runnel.cli.topics;

import io.runnel.cli.ClientOptions;
import io.runnel.cli.Streams;
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

    private final Streams streams;

    ListTopicsCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(client.properties())) {
            ListTopicsOptions options = new ListTopicsOptions().listInternal(!excludeInternal);
            new TreeSet<>(admin.listTopics(options).names().get()).forEach(streams.out()::println);
        }
        return 0;
    }
}
