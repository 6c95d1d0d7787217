package io.runnel.metadata;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How this node joins the metadata quorum.
 *
 * @param nodeId this node's {@code node.id}
 * @param voters {@code controller.quorum.voters}: node id to controller address
 * @param metadataDir where the Raft log and snapshots live ({@code metadata.log.dir}, else the first log dir)
 * @param logDirs every log dir; each gets a {@code meta.properties} (cluster.id, node.id) on first start,
 *     and a start refuses with a one-line error if they disagree with this node's id or with each other
 * @param defaultNumPartitions {@code num.partitions}
 * @param defaultReplicationFactor {@code default.replication.factor}
 * @param topicConfigDefaults topic-level config defaults derived from the broker's config
 *     ({@code io.runnel.storage.LogConfig#defaultsFromBroker}), used to validate and describe topic configs
 * @param brokerSessionTimeoutMs {@code broker.session.timeout.ms}: a broker without a heartbeat for
 *     this long is fenced
 * @param autoLeaderRebalanceEnable {@code auto.leader.rebalance.enable}: the controller periodically
 *     moves leadership back to preferred replicas
 * @param leaderImbalanceCheckIntervalMs {@code leader.imbalance.check.interval.seconds} in ms: how
 *     often the controller runs preferred (if enabled) and unclean (for topics that allow it)
 *     elections
 */
public record QuorumSettings(int nodeId, Map<Integer, InetSocketAddress> voters, Path metadataDir, List<Path> logDirs,
                             int defaultNumPartitions, short defaultReplicationFactor,
                             Map<String, Object> topicConfigDefaults, long brokerSessionTimeoutMs,
                             boolean autoLeaderRebalanceEnable, long leaderImbalanceCheckIntervalMs) {
    /** Kafka's default of {@code leader.imbalance.check.interval.seconds} (300), in ms. */
    public static final long DEFAULT_LEADER_IMBALANCE_CHECK_INTERVAL_MS = 300_000;

    /** Settings with Kafka's defaults for leader balancing (enabled, every 300 s). */
    public QuorumSettings(int nodeId, Map<Integer, InetSocketAddress> voters, Path metadataDir, List<Path> logDirs,
                          int defaultNumPartitions, short defaultReplicationFactor,
                          Map<String, Object> topicConfigDefaults, long brokerSessionTimeoutMs) {
        this(nodeId, voters, metadataDir, logDirs, defaultNumPartitions, defaultReplicationFactor, topicConfigDefaults,
                brokerSessionTimeoutMs, true, DEFAULT_LEADER_IMBALANCE_CHECK_INTERVAL_MS);
    }
}
