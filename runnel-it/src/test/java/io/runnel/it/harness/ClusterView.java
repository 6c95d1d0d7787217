package io.runnel.it.harness;

import java.util.Set;

/**
 * What one node answers to DescribeCluster: the active controller's node id (-1 while it knows
 * none) and the ids of the brokers registered and unfenced in its metadata image.
 */
public record ClusterView(int controllerId, Set<Integer> brokers) {
}
