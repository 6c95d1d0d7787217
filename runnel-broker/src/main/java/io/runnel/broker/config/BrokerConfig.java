package io.runnel.broker.config;

import io.runnel.broker.replica.ReplicationSettings;
import io.runnel.storage.CleanerSettings;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.SecurityProtocol;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A node's configuration, from Kafka's broker keys ({@code server.properties}). A Kafka 4.x KRaft
 * combined-mode file with static {@code controller.quorum.voters} loads unchanged; keys Runnel
 * does not use, and keys Kafka does not know, are reported by {@link #ignoredKeys()}, never fatal.
 *
 * <p>Immutable and thread-safe. Durations are in milliseconds, sizes in bytes, unless the key
 * says otherwise. Every problem is a {@link ConfigException} with a one-line message naming the
 * key and the bad value.
 */
public final class BrokerConfig {
    /**
     * One listener: {@code name} upper-cased, {@code host} empty for "every interface" (as
     * configured) and never empty in advertised listeners, {@code port} 0 for "any free port".
     */
    public record Listener(String name, String host, int port, String securityProtocol) {
    }

    private final Map<String, Object> values;
    private final ProcessRoles roles;
    private final Map<String, String> explicitlySet;
    private final Set<String> ignoredKeys;
    private final List<Listener> listeners;
    private final List<Listener> advertisedListeners;
    private final List<String> controllerListenerNames;
    private final String interBrokerListenerName;
    private final Map<Integer, InetSocketAddress> quorumVoters;
    private final InetSocketAddress raftListenerAddress;
    private final List<Path> logDirs;
    private final Path metadataLogDir;

    private BrokerConfig(Map<String, String> props) {
        Map<String, Object> parsed = new HashMap<>(BrokerConfigDef.DEF.parse(props));
        this.explicitlySet = Collections.unmodifiableMap(new TreeMap<>(props));
        Set<String> ignored = new TreeSet<>(props.keySet());
        ignored.removeIf(k -> BrokerConfigDef.DEF.names().contains(k) && !BrokerConfigDef.UNUSED.contains(k));
        this.ignoredKeys = Collections.unmodifiableSet(ignored);

        this.roles = ProcessRoles.parse(stringList(parsed, "process.roles"));
        String protocolMapValue = (String) parsed.get("listener.security.protocol.map");
        Map<String, String> protocols = ListenerParser.protocolMap("listener.security.protocol.map", protocolMapValue);
        boolean protocolMapExplicit = props.containsKey("listener.security.protocol.map");
        this.controllerListenerNames = stringList(parsed, "controller.listener.names").stream()
                .map(ListenerParser::normalise).toList();
        Set<String> controllerNames = Set.copyOf(controllerListenerNames);
        this.listeners = ListenerParser.listeners("listeners", stringList(parsed, "listeners"),
                protocols, protocolMapExplicit, controllerNames);
        this.listeners.forEach(BrokerConfig::checkPlaintext);
        checkControllerListeners();

        List<String> advertised = stringList(parsed, "advertised.listeners");
        if (!roles.isBroker()) {
            this.advertisedListeners = List.of();
            this.interBrokerListenerName = null;
        } else {
            this.advertisedListeners = advertised == null || advertised.isEmpty()
                    ? listeners.stream().filter(l -> !controllerNames.contains(l.name())).map(BrokerConfig::advertisable).toList()
                    : parseAdvertised(advertised, protocols, protocolMapExplicit, controllerNames);
            this.interBrokerListenerName = checkInterBrokerListener((String) parsed.get("inter.broker.listener.name"),
                    controllerNames);
        }

        this.quorumVoters = QuorumVotersParser.parse(stringList(parsed, QuorumVotersParser.KEY));
        int nodeId = (Integer) parsed.get("node.id");
        String votersValue = String.join(",", stringList(parsed, QuorumVotersParser.KEY));
        if (roles.isController() && !quorumVoters.containsKey(nodeId)) {
            throw new ConfigException(QuorumVotersParser.KEY, votersValue,
                    "node.id " + nodeId + " is not a voter, but process.roles includes controller");
        }
        if (!roles.isController() && quorumVoters.containsKey(nodeId)) {
            throw new ConfigException(QuorumVotersParser.KEY, votersValue, "node.id " + nodeId
                    + " is a voter, but process.roles is just broker (a broker-only node must not be a voter)");
        }
        this.raftListenerAddress = roles.isController() ? quorumVoters.get(nodeId) : brokerOnlyRaftAddress();

        List<String> dirs = stringList(parsed, "log.dirs") != null ? stringList(parsed, "log.dirs") : stringList(parsed, "log.dir");
        if (dirs.isEmpty()) {
            throw new ConfigException("log.dirs", "", "at least one log directory is needed");
        }
        this.logDirs = dirs.stream().map(Path::of).toList();
        String metadataDir = (String) parsed.get("metadata.log.dir");
        this.metadataLogDir = metadataDir != null ? Path.of(metadataDir) : logDirs.get(0);
        parsed.put("log.dirs", dirs);
        this.values = Collections.unmodifiableMap(parsed);
    }

    /** Parses and validates {@code props} (Kafka broker keys); unset keys take their defaults. */
    public static BrokerConfig parse(Map<String, String> props) {
        return new BrokerConfig(props);
    }

    /** Reads {@code file} (Java properties syntax) if given, then applies {@code overrides} on top. */
    public static BrokerConfig load(Optional<Path> file, Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>();
        file.ifPresent(path -> props.putAll(readProperties(path)));
        props.putAll(overrides);
        return parse(props);
    }

    private static Map<String, String> readProperties(Path path) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("cannot read config file " + path + ": " + describe(e));
        }
        Map<String, String> props = new HashMap<>();
        properties.stringPropertyNames().forEach(k -> props.put(k, properties.getProperty(k)));
        return props;
    }

    private static String describe(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static void checkPlaintext(Listener listener) {
        if (!SecurityProtocol.PLAINTEXT.name.equals(listener.securityProtocol())) {
            throw new ConfigException("listener " + listener.name() + " uses " + listener.securityProtocol()
                    + ", which Runnel does not support yet (listener.security.protocol.map must map it to PLAINTEXT)");
        }
    }

    /**
     * Kafka's rules, except that a broker-only node needs a controller listener in
     * {@code listeners} (Kafka forbids one there): its Raft server follows the metadata log on it.
     */
    private void checkControllerListeners() {
        if (controllerListenerNames.isEmpty()) {
            throw new ConfigException("controller.listener.names", "", "at least one controller listener is needed");
        }
        String names = listeners.stream().map(Listener::name).collect(Collectors.joining(","));
        if (roles.isController()) {
            for (String name : controllerListenerNames) {
                if (findListener(listeners, name) == null) {
                    throw new ConfigException("controller.listener.names", String.join(",", controllerListenerNames),
                            "listener " + name + " is not in listeners");
                }
            }
        }
        if (roles.isBroker() && listeners.stream().allMatch(l -> controllerListenerNames.contains(l.name()))) {
            throw new ConfigException("listeners", names, "no listener for clients: every listener is a controller listener");
        }
        if (!roles.isBroker() && !listeners.stream().allMatch(l -> controllerListenerNames.contains(l.name()))) {
            throw new ConfigException("listeners", names, "a controller-only node (process.roles=controller) listens "
                    + "only on controller listeners (controller.listener.names=" + String.join(",", controllerListenerNames) + ")");
        }
    }

    /** A broker-only node's Raft address: its first controller listener in {@code listeners}, which must name a reachable host. */
    private InetSocketAddress brokerOnlyRaftAddress() {
        String names = listeners.stream().map(l -> l.name() + "://" + l.host() + ":" + l.port()).collect(Collectors.joining(","));
        Listener raft = listeners.stream().filter(l -> controllerListenerNames.contains(l.name())).findFirst()
                .orElseThrow(() -> new ConfigException("listeners", names, "a broker-only node needs a controller listener ("
                        + String.join(",", controllerListenerNames) + ") in listeners: it follows the metadata log there"));
        if (raft.host().isEmpty() || raft.host().equals("0.0.0.0") || raft.host().equals("::") || raft.port() == 0) {
            throw new ConfigException("listeners", names, "the controller listener " + raft.name() + " of a broker-only node"
                    + " needs a host and port the controllers can reach (it is the node's address in the metadata quorum)");
        }
        return InetSocketAddress.createUnresolved(raft.host(), raft.port());
    }

    private List<Listener> parseAdvertised(List<String> values, Map<String, String> protocols,
                                           boolean protocolMapExplicit, Set<String> controllerNames) {
        List<Listener> advertised = ListenerParser.listeners("advertised.listeners", values, protocols,
                protocolMapExplicit, controllerNames);
        for (Listener listener : advertised) {
            if (findListener(listeners, listener.name()) == null) {
                throw new ConfigException("advertised.listeners", String.join(",", values),
                        "listener " + listener.name() + " is not in listeners");
            }
            if (listener.host().equals("0.0.0.0") || listener.host().equals("::")) {
                throw new ConfigException("advertised.listeners", String.join(",", values),
                        "cannot advertise the wildcard address " + listener.host() + " for " + listener.name());
            }
        }
        return advertised.stream()
                .filter(l -> !controllerNames.contains(l.name()))
                .map(BrokerConfig::advertisable)
                .toList();
    }

    private String checkInterBrokerListener(String configured, Set<String> controllerNames) {
        String name = configured != null ? ListenerParser.normalise(configured) : SecurityProtocol.PLAINTEXT.name;
        if (findListener(listeners, name) == null) {
            throw new ConfigException("inter.broker.listener.name", name, "no listener has that name");
        }
        if (controllerNames.contains(name)) {
            throw new ConfigException("inter.broker.listener.name", name, "it is a controller listener");
        }
        return name;
    }

    private static Listener advertisable(Listener listener) {
        return listener.host().isEmpty()
                ? new Listener(listener.name(), "localhost", listener.port(), listener.securityProtocol())
                : listener;
    }

    private static Listener findListener(List<Listener> list, String name) {
        return list.stream().filter(l -> l.name().equals(name)).findFirst().orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static List<String> stringList(Map<String, Object> parsed, String key) {
        return (List<String>) parsed.get(key);
    }

    private int intValue(String key) {
        return (Integer) values.get(key);
    }

    private long longValue(String key) {
        return ((Number) values.get(key)).longValue();
    }

    private boolean booleanValue(String key) {
        return (Boolean) values.get(key);
    }

    public int nodeId() {
        return intValue("node.id");
    }

    public ProcessRoles processRoles() {
        return roles;
    }

    /**
     * Where this node's Raft server listens: a voter's own entry in {@code controller.quorum.voters};
     * for a broker-only node, its controller listener (unresolved).
     */
    public InetSocketAddress raftListenerAddress() {
        return raftListenerAddress;
    }

    /** As configured: an empty host means every interface. */
    public List<Listener> listeners() {
        return listeners;
    }

    /**
     * What clients see in metadata: {@code advertised.listeners} (else {@code listeners}) without
     * the controller listeners, which the quorum reaches through {@link #quorumVoters()}. Hosts
     * are never empty ("localhost" stands in).
     */
    public List<Listener> advertisedListeners() {
        return advertisedListeners;
    }

    /** Upper-cased listener names of the metadata quorum. */
    public List<String> controllerListenerNames() {
        return controllerListenerNames;
    }

    /** Null on a controller-only node. */
    public String interBrokerListenerName() {
        return interBrokerListenerName;
    }

    /** The {@code replica.*} keys and the inter-broker listener followers connect to. */
    public ReplicationSettings replicationSettings() {
        return new ReplicationSettings(interBrokerListenerName, (Long) values.get("replica.lag.time.max.ms"),
                intValue("replica.fetch.backoff.ms"), intValue("replica.fetch.wait.max.ms"),
                intValue("replica.fetch.min.bytes"), intValue("replica.fetch.max.bytes"),
                intValue("replica.fetch.response.max.bytes"), intValue("replica.socket.timeout.ms"));
    }

    /** Voters by node id, in the order configured; addresses unresolved. */
    public Map<Integer, InetSocketAddress> quorumVoters() {
        return quorumVoters;
    }

    /** {@code log.dirs}, else {@code log.dir}. */
    public List<Path> logDirs() {
        return logDirs;
    }

    /** {@code metadata.log.dir}, else the first log directory. */
    public Path metadataLogDir() {
        return metadataLogDir;
    }

    /** {@code broker.heartbeat.interval.ms}. */
    public int brokerHeartbeatIntervalMs() {
        return intValue("broker.heartbeat.interval.ms");
    }

    /** {@code broker.session.timeout.ms}. */
    public int brokerSessionTimeoutMs() {
        return intValue("broker.session.timeout.ms");
    }

    public int numPartitions() {
        return intValue("num.partitions");
    }

    public short defaultReplicationFactor() {
        return (short) intValue("default.replication.factor");
    }

    public boolean autoCreateTopicsEnable() {
        return booleanValue("auto.create.topics.enable");
    }

    public boolean deleteTopicEnable() {
        return booleanValue("delete.topic.enable");
    }

    /** Bytes. */
    public int messageMaxBytes() {
        return intValue("message.max.bytes");
    }

    /** Bytes. */
    public int socketRequestMaxBytes() {
        return intValue("socket.request.max.bytes");
    }

    /** Bytes; -1 means the OS default. */
    public int socketSendBufferBytes() {
        return intValue("socket.send.buffer.bytes");
    }

    /** Bytes; -1 means the OS default. */
    public int socketReceiveBufferBytes() {
        return intValue("socket.receive.buffer.bytes");
    }

    public int numNetworkThreads() {
        return intValue("num.network.threads");
    }

    public int numIoThreads() {
        return intValue("num.io.threads");
    }

    public long connectionsMaxIdleMs() {
        return longValue("connections.max.idle.ms");
    }

    /** As configured; when not set, Kafka's 3 capped at the number of voters. */
    public short offsetsTopicReplicationFactor() {
        short configured = (Short) values.get("offsets.topic.replication.factor");
        return explicitlySet.containsKey("offsets.topic.replication.factor") ? configured
                : (short) Math.min(configured, quorumVoters().size());
    }

    public boolean autoLeaderRebalanceEnable() {
        return (Boolean) values.get("auto.leader.rebalance.enable");
    }

    public long leaderImbalanceCheckIntervalMs() {
        return (Long) values.get("leader.imbalance.check.interval.seconds") * 1000;
    }

    public int offsetsTopicNumPartitions() {
        return intValue("offsets.topic.num.partitions");
    }

    public long producerIdExpirationMs() {
        return longValue("producer.id.expiration.ms");
    }

    public long producerIdExpirationCheckIntervalMs() {
        return longValue("producer.id.expiration.check.interval.ms");
    }

    public int transactionMaxTimeoutMs() {
        return intValue("transaction.max.timeout.ms");
    }

    public long transactionalIdExpirationMs() {
        return longValue("transactional.id.expiration.ms");
    }

    public long transactionAbortTimedOutTransactionCleanupIntervalMs() {
        return longValue("transaction.abort.timed.out.transaction.cleanup.interval.ms");
    }

    public long transactionRemoveExpiredTransactionCleanupIntervalMs() {
        return longValue("transaction.remove.expired.transaction.cleanup.interval.ms");
    }

    /** KIP-890: a transactional write that begins a transaction in a partition is checked with its coordinator first. */
    public boolean transactionPartitionVerificationEnable() {
        return booleanValue("transaction.partition.verification.enable");
    }

    public int transactionStateLogNumPartitions() {
        return intValue("transaction.state.log.num.partitions");
    }

    /** As configured; when not set, Kafka's 3 capped at the number of voters (as {@code offsets.topic.replication.factor}). */
    public short transactionStateLogReplicationFactor() {
        short configured = (Short) values.get("transaction.state.log.replication.factor");
        return explicitlySet.containsKey("transaction.state.log.replication.factor") ? configured
                : (short) Math.min(configured, quorumVoters().size());
    }

    /** As configured; when not set, Kafka's 2 capped at the replication factor. */
    public int transactionStateLogMinIsr() {
        int configured = intValue("transaction.state.log.min.isr");
        return explicitlySet.containsKey("transaction.state.log.min.isr") ? configured
                : Math.min(configured, transactionStateLogReplicationFactor());
    }

    public int transactionStateLogSegmentBytes() {
        return intValue("transaction.state.log.segment.bytes");
    }

    public long logRetentionCheckIntervalMs() {
        return longValue("log.retention.check.interval.ms");
    }

    public long logFlushSchedulerIntervalMs() {
        return longValue("log.flush.scheduler.interval.ms");
    }

    public long logFlushOffsetCheckpointIntervalMs() {
        return longValue("log.flush.offset.checkpoint.interval.ms");
    }

    /** The {@code log.cleaner.*} keys (the topic-level ones go through {@code LogConfig.defaultsFromBroker}). */
    public CleanerSettings cleanerSettings() {
        return new CleanerSettings(booleanValue("log.cleaner.enable"), intValue("log.cleaner.threads"),
                longValue("log.cleaner.backoff.ms"), longValue("log.cleaner.dedupe.buffer.size"),
                intValue("log.cleaner.io.buffer.size"), (Double) values.get("log.cleaner.io.max.bytes.per.second"));
    }

    public int groupInitialRebalanceDelayMs() {
        return intValue("group.initial.rebalance.delay.ms");
    }

    public int offsetsTopicSegmentBytes() {
        return intValue("offsets.topic.segment.bytes");
    }

    /** {@code offsets.retention.minutes} in milliseconds. */
    public long offsetsRetentionMs() {
        return intValue("offsets.retention.minutes") * 60_000L;
    }

    public long offsetsRetentionCheckIntervalMs() {
        return longValue("offsets.retention.check.interval.ms");
    }

    public int offsetMetadataMaxBytes() {
        return intValue("offset.metadata.max.bytes");
    }

    public int groupMinSessionTimeoutMs() {
        return intValue("group.min.session.timeout.ms");
    }

    public int groupMaxSessionTimeoutMs() {
        return intValue("group.max.session.timeout.ms");
    }

    public int groupMaxSize() {
        return intValue("group.max.size");
    }

    /** The {@code group.consumer.*} keys that are set or have a default, as strings (lists comma-separated). */
    public Map<String, String> groupConsumerConfig() {
        Map<String, String> consumer = new HashMap<>();
        values.forEach((key, value) -> {
            if (key.startsWith("group.consumer.") && value != null) {
                consumer.put(key, value instanceof List<?> list
                        ? String.join(",", list.stream().map(String::valueOf).toList()) : String.valueOf(value));
            }
        });
        return consumer;
    }

    /** {@code group.coordinator.threads}; when not set, min(4, available processors). */
    public int groupCoordinatorThreads() {
        Object set = values.get("group.coordinator.threads");
        return set != null ? (Integer) set : Math.min(4, Runtime.getRuntime().availableProcessors());
    }

    /** {@code replica.selector.class}, or null when not set. */
    public String replicaSelectorClass() {
        return (String) values.get("replica.selector.class");
    }

    /** {@code broker.rack}, or null when not set. */
    public String rack() {
        return (String) values.get("broker.rack");
    }

    /**
     * Every defined key's parsed value (Kafka's types: Integer, Long, Short, Double, Boolean,
     * String, List&lt;String&gt;), null where the key has no default and was not set (e.g.
     * {@code log.retention.ms}). {@code log.dirs} holds the effective directories.
     */
    public Map<String, Object> values() {
        return values;
    }

    /** The keys the user gave (file and overrides), with their raw values, sorted by key. */
    public Map<String, String> explicitlySet() {
        return explicitlySet;
    }

    /** Keys given that Runnel does not act on: unknown to Kafka, or known but unused. Sorted. */
    public Set<String> ignoredKeys() {
        return ignoredKeys;
    }
}
