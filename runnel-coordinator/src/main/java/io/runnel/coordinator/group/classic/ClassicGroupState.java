package io.runnel.coordinator.group.classic;

/**
 * States of a classic group, named as Kafka's ListGroups and DescribeGroups name them.
 * <pre>
 * Empty -> PreparingRebalance (a member joins)
 * PreparingRebalance -> CompletingRebalance (all members rejoined, or the rebalance timeout)
 *                    -> Empty (no member rejoined)
 * CompletingRebalance -> Stable (the leader's SyncGroup is committed)
 *                     -> PreparingRebalance (a member joins, leaves or times out)
 * Stable -> PreparingRebalance (a member joins, leaves, times out or changes its metadata)
 * any -> Dead (the group was deleted)
 * </pre>
 */
public enum ClassicGroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String kafkaName;

    ClassicGroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    public String kafkaName() {
        return kafkaName;
    }
}
