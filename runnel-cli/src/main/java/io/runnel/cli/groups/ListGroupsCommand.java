package io.runnel.cli.groups;

import io.runnel.cli.ClientOptions;
import io.runnel.cli.CommandContext;
import io.runnel.cli.TextTable;
import io.runnel.cli.UsageError;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/** {@code runnel groups list}: consumer groups with their type and state, filtered like ListGroups v5. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List consumer groups with their protocol type (classic or consumer) and state.")
final class ListGroupsCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Option(names = "--state", paramLabel = "STATE", split = ",",
            description = "Only groups in these states (e.g. Stable,Empty; comma-separated or repeated).")
    List<String> states;

    @Option(names = "--type", paramLabel = "TYPE", split = ",",
            description = "Only groups of these types: classic, consumer.")
    List<String> types;

    private final CommandContext context;

    ListGroupsCommand(CommandContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws ExecutionException, InterruptedException {
        ListGroupsOptions options = ListGroupsOptions.forConsumerGroups();
        if (states != null) {
            options.inGroupStates(parseStates(states));
        }
        if (types != null) {
            options.withTypes(parseTypes(types));
        }
        try (Admin admin = context.clients().admin(client.properties())) {
            TextTable table = new TextTable("GROUP", "TYPE", "STATE");
            admin.listGroups(options).all().get().stream()
                    .sorted(Comparator.comparing(GroupListing::groupId))
                    .forEach(g -> table.add(g.groupId(),
                            g.type().map(t -> t.toString().toLowerCase(java.util.Locale.ROOT)).orElse("-"),
                            g.groupState().map(GroupState::toString).orElse("-")));
            table.lines().forEach(context.out()::println);
        }
        return 0;
    }

    private static Set<GroupState> parseStates(List<String> names) {
        Set<GroupState> parsed = new HashSet<>();
        for (String name : names) {
            GroupState state = GroupState.parse(name.strip());
            if (state == GroupState.UNKNOWN) {
                throw new UsageError("unknown group state '" + name + "'");
            }
            parsed.add(state);
        }
        return parsed;
    }

    private static Set<GroupType> parseTypes(List<String> names) {
        Set<GroupType> parsed = new HashSet<>();
        for (String name : names) {
            GroupType type = GroupType.parse(name.strip());
            if (type != GroupType.CLASSIC && type != GroupType.CONSUMER) {
                throw new UsageError("unknown group type '" + name + "': classic or consumer");
            }
            parsed.add(type);
        }
        return parsed;
    }
}
