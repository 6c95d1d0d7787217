package io.runnel.cli.topics;

import io.runnel.cli.ClientOptions;
import io.runnel.cli.CommandContext;
import io.runnel.cli.UsageError;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/** {@code runnel topics create}: CreateTopics with the broker's defaults for what is not given. */
@Command(name = "create", mixinStandardHelpOptions = true, description = "Create a topic.")
final class CreateTopicCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "Name of the topic to create.")
    String topic;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Number of partitions (default: the broker's num.partitions).")
    Integer partitions;

    @Option(names = "--replication-factor", paramLabel = "N",
            description = "Replicas per partition (default: the broker's default.replication.factor).")
    Integer replicationFactor;

    @Option(names = "--config", paramLabel = "KEY=VALUE",
            description = "Topic configuration override (e.g. cleanup.policy=compact). Repeatable.")
    Map<String, String> configs = new LinkedHashMap<>();

    @Option(names = "--if-not-exists", description = "Succeed without doing anything if the topic exists.")
    boolean ifNotExists;

    private final CommandContext context;

    CreateTopicCommand(CommandContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws ExecutionException, InterruptedException {
        if (partitions != null && partitions < 1) {
            throw new UsageError("--partitions must be at least 1, was " + partitions);
        }
        if (replicationFactor != null && (replicationFactor < 1 || replicationFactor > Short.MAX_VALUE)) {
            throw new UsageError("--replication-factor must be in 1.." + Short.MAX_VALUE + ", was " + replicationFactor);
        }
        NewTopic newTopic = new NewTopic(topic, Optional.ofNullable(partitions),
                Optional.ofNullable(replicationFactor).map(Integer::shortValue)).configs(configs);
        try (Admin admin = context.clients().admin(client.properties())) {
            admin.createTopics(List.of(newTopic)).all().get();
        } catch (ExecutionException e) {
            if (ifNotExists && e.getCause() instanceof TopicExistsException) {
                return 0;
            }
            throw e;
        }
        context.out().println("Created topic " + topic + ".");
        return 0;
    }
}
