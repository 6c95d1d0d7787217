package io.runnel.coordinator.group;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The groups of one shard by id; an id names either a classic or a consumer group, never both.
 *
 * <p>Thread-safety: confined to the shard's thread.
 */
public final class GroupRegistry {
    private final Map<String, Group> groups = new HashMap<>();

    public Group get(String groupId) {
        return groups.get(groupId);
    }

    /** The group under {@code groupId} if it is a {@code type}, else null. */
    public <G extends Group> G get(String groupId, Class<G> type) {
        Group group = groups.get(groupId);
        return type.isInstance(group) ? type.cast(group) : null;
    }

    public void put(Group group) {
        groups.put(group.groupId(), group);
    }

    public void remove(String groupId) {
        groups.remove(groupId);
    }

    public Collection<Group> all() {
        return groups.values();
    }
}
