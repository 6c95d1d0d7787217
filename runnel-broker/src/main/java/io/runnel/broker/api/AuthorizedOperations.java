package io.runnel.broker.api;

import org.apache.kafka.common.acl.AclOperation;

import java.util.EnumSet;

/**
 * Authorized-operation bit fields, as Metadata, DescribeCluster, DescribeTopicPartitions and DescribeGroups report
 * them when asked. Runnel has no authorizer yet, so every operation on a resource is allowed.
 */
final class AuthorizedOperations {
    static final int TOPIC = bits(EnumSet.of(AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE,
            AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS,
            AclOperation.ALTER_CONFIGS));
    static final int CLUSTER = bits(EnumSet.of(AclOperation.CREATE, AclOperation.ALTER, AclOperation.DESCRIBE,
            AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS,
            AclOperation.IDEMPOTENT_WRITE));

    static final int GROUP = bits(EnumSet.of(AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE));

    private AuthorizedOperations() {
    }

    private static int bits(EnumSet<AclOperation> operations) {
        int field = 0;
        for (AclOperation op : operations) {
            field |= 1 << op.code();
        }
        return field;
    }
}
