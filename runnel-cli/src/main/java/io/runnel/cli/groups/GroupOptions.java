package io.runnel.cli.groups;

import io.runnel.cli.UsageError;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.ExecutionException;

/** Which groups a command is about: {@code --group} (repeatable) or {@code --all-groups}. */
public final class GroupOptions {
    @Option(names = "--group", paramLabel = "GROUP", description = "A consumer group id (repeatable).")
    List<String> groups;

    @Option(names = "--all-groups", description = "Every consumer group of the cluster.")
    boolean allGroups;

    List<String> resolve(Admin admin) throws ExecutionException, InterruptedException {
        if (allGroups == (groups != null && !groups.isEmpty())) {
            throw new UsageError("give either --group or --all-groups");
        }
        if (!allGroups) {
            return groups;
        }
        return admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get().stream()
                .map(GroupListing::groupId).sorted().toList();
    }
}
