package io.runnel.cli.topics;

import io.runnel.cli.ClientOptions;
import io.runnel.cli.CommandContext;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/** {@code runnel topics delete}: DeleteTopics; silent on success. */
@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a topic and its data.")
final class DeleteTopicCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "Name of the topic to delete.")
    String topic;

    private final CommandContext context;

    DeleteTopicCommand(CommandContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws ExecutionException, InterruptedException {
        try (Admin admin = context.clients().admin(client.properties())) {
            admin.deleteTopics(List.of(topic)).all().get();
        }
        return 0;
    }
}
