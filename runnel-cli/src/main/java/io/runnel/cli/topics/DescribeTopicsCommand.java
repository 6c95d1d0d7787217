package io.runnel.cli.topics;

import io.runnel.cli.ClientOptions;
import io.runnel.cli.CommandContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * {@code runnel topics describe}: DescribeTopics plus DescribeConfigs, printed in kafka-topics.sh's
 * {@code --describe} layout (see {@link TopicDescriptionFormat}).
 */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Show partitions (leader, replicas, ISR), topic id and configuration overrides.")
final class DescribeTopicsCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "Topic to describe (default: every topic).")
    String topic;

    private final CommandContext context;

    DescribeTopicsCommand(CommandContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws ExecutionException, InterruptedException {
        try (Admin admin = context.clients().admin(client.properties())) {
            Collection<String> names = topic != null
                    ? List.of(topic)
                    : new TreeSet<>(admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get());
            Map<String, TopicDescription> descriptions = describe(admin, names);
            Map<String, Config> configs = configs(admin, names);
            for (String name : names) {
                TopicDescriptionFormat.format(descriptions.get(name), configs.get(name)).forEach(context.out()::println);
            }
        }
        return 0;
    }

    private Map<String, TopicDescription> describe(Admin admin, Collection<String> names)
            throws ExecutionException, InterruptedException {
        try {
            return admin.describeTopics(names).allTopicNames().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException && topic != null) {
                throw new UnknownTopicOrPartitionException("topic '" + topic + "' does not exist");
            }
            throw e;
        }
    }

    private static Map<String, Config> configs(Admin admin, Collection<String> names)
            throws ExecutionException, InterruptedException {
        List<ConfigResource> resources = names.stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
        return admin.describeConfigs(resources).all().get().entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().name(), Map.Entry::getValue, (a, b) -> a));
    }
}
