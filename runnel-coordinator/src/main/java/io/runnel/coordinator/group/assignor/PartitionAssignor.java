package io.runnel.coordinator.group.assignor;

import org.apache.kafka.common.Uuid;

import java.util.Map;
import java.util.Set;

/**
 * A server-side assignor, chosen by name by a member's {@code serverAssignor} or by the broker's
 * {@code group.consumer.assignors} (the first is the default).
 *
 * <p>Contract: every partition of a topic that at least one member subscribes to is assigned to
 * exactly one member subscribed to that topic; no member gets a partition of a topic it does not
 * subscribe to. Implementations are stateless and thread-safe.
 */
public interface PartitionAssignor {

    /** The name members use in {@code ConsumerGroupHeartbeat.serverAssignor}. */
    String name();

    /**
     * Computes the target assignment.
     *
     * @return each member of {@code spec} (all of them, an empty map for a member with nothing)
     *         to its partitions by topic id
     */
    Map<String, Map<Uuid, Set<Integer>>> assign(AssignmentSpec spec);
}
