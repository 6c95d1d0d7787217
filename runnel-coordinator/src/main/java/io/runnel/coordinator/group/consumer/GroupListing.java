package io.runnel.coordinator.group.consumer;

import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;

/**
 * A consumer group as ListGroups shows it.
 *
 * @param groupId the group id
 * @param state   empty, assigning, reconciling or stable ({@code state.toString()} is the wire name)
 */
public record GroupListing(String groupId, GroupState state) {

    /** Always {@link GroupType#CONSUMER}: these groups use the KIP-848 protocol. */
    public GroupType type() {
        return GroupType.CONSUMER;
    }
}
