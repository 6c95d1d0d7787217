package io.runnel.cli.topics;

import io.runnel.cli.ClientOptions;
import io.runnel.cli.CommandContext;
import io.runnel.cli.UsageError;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/**
 * {@code runnel topics alter}: CreatePartitions for {@code --partitions}, then
 * IncrementalAlterConfigs (SET and DELETE) for config changes. Silent on success.
 */
@Command(name = "alter", mixinStandardHelpOptions = true,
        description = "Add partitions to a topic or change its configuration overrides.")
final class AlterTopicCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "Name of the topic to alter.")
    String topic;

    @Option(names = "--partitions", paramLabel = "N",
            description = "New total number of partitions (can only grow).")
    Integer partitions;

    @Option(names = "--config", paramLabel = "KEY=VALUE", description = "Set a topic configuration override. Repeatable.")
    Map<String, String> setConfigs = new LinkedHashMap<>();

    @Option(names = "--delete-config", paramLabel = "KEY",
            description = "Remove a topic configuration override (back to the broker default). Repeatable.")
    List<String> deleteConfigs = new ArrayList<>();

    private final CommandContext context;

    AlterTopicCommand(CommandContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws ExecutionException, InterruptedException {
        if (partitions == null && setConfigs.isEmpty() && deleteConfigs.isEmpty()) {
            throw new UsageError("nothing to alter: give --partitions, --config or --delete-config");
        }
        if (partitions != null && partitions < 1) {
            throw new UsageError("--partitions must be at least 1, was " + partitions);
        }
        try (Admin admin = context.clients().admin(client.properties())) {
            if (partitions != null) {
                admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(partitions))).all().get();
            }
            if (!setConfigs.isEmpty() || !deleteConfigs.isEmpty()) {
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                admin.incrementalAlterConfigs(Map.of(resource, configOps())).all().get();
            }
        }
        return 0;
    }

    private List<AlterConfigOp> configOps() {
        List<AlterConfigOp> ops = new ArrayList<>();
        setConfigs.forEach((key, value) ->
                ops.add(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET)));
        deleteConfigs.forEach(key ->
                ops.add(new AlterConfigOp(new ConfigEntry(key, ""), AlterConfigOp.OpType.DELETE)));
        return ops;
    }
}
