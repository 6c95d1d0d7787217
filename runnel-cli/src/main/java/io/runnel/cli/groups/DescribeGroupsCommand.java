package io.runnel.cli.groups;

import io.runnel.cli.ClientOptions;
import io.runnel.cli.CommandContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/**
 * {@code runnel groups describe}: per partition the committed offset, the end offset, the lag
 * and the member that owns it, and the group's total lag (see {@link GroupLagFormat}).
 */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Show a group's state, members, committed offsets, end offsets and lag per partition, and its total lag.")
final class DescribeGroupsCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Mixin
    GroupOptions which;

    private final CommandContext context;

    DescribeGroupsCommand(CommandContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws ExecutionException, InterruptedException {
        try (Admin admin = context.clients().admin(client.properties())) {
            List<String> groups = which.resolve(admin);
            for (int i = 0; i < groups.size(); i++) {
                if (i > 0) {
                    context.out().println();
                }
                GroupLagFormat.format(lagOf(admin, groups.get(i))).forEach(context.out()::println);
            }
        }
        return 0;
    }

    /** The group's lag, from its description, its committed offsets and the partitions' end offsets. */
    static GroupLag lagOf(Admin admin, String groupId) throws ExecutionException, InterruptedException {
        ConsumerGroupDescription group;
        try {
            group = admin.describeConsumerGroups(List.of(groupId)).all().get().get(groupId);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                throw new GroupIdNotFoundException("group '" + groupId + "' does not exist");
            }
            throw e;
        }
        if (group.groupState() == GroupState.DEAD) {
            throw new GroupIdNotFoundException("group '" + groupId + "' does not exist");
        }
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>(
                admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get());
        committed.values().removeIf(v -> v == null);
        Set<TopicPartition> partitions = GroupLag.partitionsOf(group, committed);
        Map<TopicPartition, Long> endOffsets = PartitionOffsets.list(admin, partitions, OffsetSpec.latest());
        return GroupLag.of(group, committed, endOffsets);
    }
}
