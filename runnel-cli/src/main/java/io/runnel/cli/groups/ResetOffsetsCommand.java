package io.runnel.cli.groups;

import io.runnel.cli.ClientOptions;
import io.runnel.cli.CommandContext;
import io.runnel.cli.TextTable;
import io.runnel.cli.UsageError;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.ZoneId;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/**
 * {@code runnel groups reset-offsets}: computes new committed offsets for a group without active
 * members and prints them; only {@code --execute} commits them (a dry run by default, as
 * kafka-consumer-groups.sh).
 */
@Command(name = "reset-offsets", mixinStandardHelpOptions = true,
        description = "Move a group's committed offsets (dry run unless --execute). The group must have no active members.")
final class ResetOffsetsCommand implements Callable<Integer> {
    private static final Set<GroupState> INACTIVE = Set.of(GroupState.EMPTY, GroupState.DEAD);
    private static final Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    @Mixin
    ClientOptions client;

    @Option(names = "--group", required = true, paramLabel = "GROUP", description = "The consumer group.")
    String group;

    @Option(names = "--topic", paramLabel = "TOPIC[:P,P...]",
            description = "A topic, optionally with partitions (repeatable).")
    List<String> topics;

    @Option(names = "--all-topics", description = "Every topic the group has committed offsets for.")
    boolean allTopics;

    @ArgGroup(multiplicity = "1")
    Target target;

    @Option(names = "--execute", description = "Commit the new offsets (default: only show them).")
    boolean execute;

    @Option(names = "--dry-run", description = "Only show the new offsets (the default).")
    boolean dryRun;

    static final class Target {
        @Option(names = "--to-earliest", required = true, description = "The earliest offset of each partition.")
        boolean toEarliest;
        @Option(names = "--to-latest", required = true, description = "The end offset of each partition.")
        boolean toLatest;
        @Option(names = "--to-offset", required = true, paramLabel = "OFFSET", description = "This offset.")
        Long toOffset;
        @Option(names = "--to-datetime", required = true, paramLabel = "DATETIME",
                description = "The first offset at or after this time (ISO-8601, e.g. 2026-11-27T10:15:30Z).")
        String toDatetime;
        @Option(names = "--shift-by", required = true, paramLabel = "N", description = "The committed offset plus N (may be negative).")
        Long shiftBy;
    }

    private final CommandContext context;

    ResetOffsetsCommand(CommandContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws ExecutionException, InterruptedException {
        if (execute && dryRun) {
            throw new UsageError("give --execute or --dry-run, not both");
        }
        if (allTopics == (topics != null && !topics.isEmpty())) {
            throw new UsageError("give either --topic or --all-topics");
        }
        OffsetReset reset = strategy();
        try (Admin admin = context.clients().admin(client.properties())) {
            GroupState state = stateOf(admin);
            if (!INACTIVE.contains(state)) {
                throw new IllegalStateException("group '" + group + "' is " + state
                        + ": offsets can be reset only while it has no active members");
            }
            Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>(
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get());
            committed.values().removeIf(v -> v == null);
            Set<TopicPartition> partitions = new TreeSet<>(ORDER);
            partitions.addAll(allTopics ? committed.keySet() : partitionsOf(admin));
            Map<TopicPartition, Long> newOffsets = plan(admin, reset, partitions, committed);
            TextTable table = new TextTable("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");
            newOffsets.forEach((tp, offset) -> table.add(group, tp.topic(), tp.partition(), offset));
            table.lines().forEach(context.out()::println);
            if (execute) {
                Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
                newOffsets.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
                admin.alterConsumerGroupOffsets(group, commit).all().get();
            } else {
                context.out().println("(dry run: nothing changed; add --execute to commit these offsets)");
            }
        }
        return 0;
    }

    /** The group's state; a group that does not exist yet is Dead (resetting creates its offsets). */
    private GroupState stateOf(Admin admin) throws ExecutionException, InterruptedException {
        try {
            return admin.describeConsumerGroups(List.of(group)).all().get().get(group).groupState();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return GroupState.DEAD;
            }
            throw e;
        }
    }

    private OffsetReset strategy() {
        if (target.toEarliest) {
            return new OffsetReset.ToEarliest();
        }
        if (target.toLatest) {
            return new OffsetReset.ToLatest();
        }
        if (target.toOffset != null) {
            return new OffsetReset.ToOffset(target.toOffset);
        }
        if (target.shiftBy != null) {
            return new OffsetReset.ShiftBy(target.shiftBy);
        }
        return OffsetReset.ToDatetime.parse(target.toDatetime, ZoneId.systemDefault());
    }

    /** {@code --topic t} means every partition of t; {@code --topic t:0,2} those partitions. */
    private Set<TopicPartition> partitionsOf(Admin admin) throws ExecutionException, InterruptedException {
        Set<TopicPartition> partitions = new TreeSet<>(ORDER);
        for (String spec : topics) {
            int colon = spec.indexOf(':');
            String topic = colon < 0 ? spec : spec.substring(0, colon);
            int partitionCount = partitionCount(admin, topic);
            if (colon < 0) {
                for (int p = 0; p < partitionCount; p++) {
                    partitions.add(new TopicPartition(topic, p));
                }
                continue;
            }
            for (String number : spec.substring(colon + 1).split(",")) {
                int p;
                try {
                    p = Integer.parseInt(number.strip());
                } catch (NumberFormatException e) {
                    throw new UsageError("--topic '" + spec + "': '" + number + "' is not a partition number");
                }
                if (p < 0 || p >= partitionCount) {
                    throw new UsageError("--topic '" + spec + "': topic '" + topic + "' has partitions 0-" + (partitionCount - 1));
                }
                partitions.add(new TopicPartition(topic, p));
            }
        }
        return partitions;
    }

    private static int partitionCount(Admin admin, String topic) throws ExecutionException, InterruptedException {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new UnknownTopicOrPartitionException("topic '" + topic + "' does not exist");
            }
            throw e;
        }
    }

    private Map<TopicPartition, Long> plan(Admin admin, OffsetReset reset, Set<TopicPartition> partitions,
                                           Map<TopicPartition, OffsetAndMetadata> committed)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, Long> earliest = PartitionOffsets.list(admin, partitions, OffsetSpec.earliest());
        Map<TopicPartition, Long> latest = PartitionOffsets.list(admin, partitions, OffsetSpec.latest());
        Map<TopicPartition, Long> forTime = reset instanceof OffsetReset.ToDatetime at
                ? PartitionOffsets.list(admin, partitions, OffsetSpec.forTimestamp(at.timestampMs()))
                : Map.of();
        Map<TopicPartition, Long> plan = new TreeMap<>(ORDER);
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata current = committed.get(tp);
            OffsetReset.Partition known = new OffsetReset.Partition(current == null ? null : current.offset(),
                    earliest.get(tp), latest.get(tp), forTime.get(tp));
            try {
                plan.put(tp, reset.newOffset(known));
            } catch (IllegalStateException e) {
                throw new IllegalStateException("partition " + tp + " " + e.getMessage());
            }
        }
        return plan;
    }
}
