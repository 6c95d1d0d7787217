package io.runnel.broker;

import io.runnel.broker.api.AddOffsetsToTxnHandler;
import io.runnel.broker.api.AddPartitionsToTxnHandler;
import io.runnel.broker.api.AlterPartitionReassignmentsHandler;
import io.runnel.broker.api.ApiHandler;
import io.runnel.broker.api.ApiTable;
import io.runnel.broker.api.ApiVersionsHandler;
import io.runnel.broker.api.ConsumerGroupDescribeHandler;
import io.runnel.broker.api.ConsumerGroupHeartbeatHandler;
import io.runnel.broker.api.ControllerForwardHandler;
import io.runnel.broker.api.CreateTopicsHandler;
import io.runnel.broker.api.DeleteRecordsHandler;
import io.runnel.broker.api.DeleteTopicsHandler;
import io.runnel.broker.api.DescribeClusterHandler;
import io.runnel.broker.api.DescribeConfigsHandler;
import io.runnel.broker.api.DescribeLogDirsHandler;
import io.runnel.broker.api.DescribeProducersHandler;
import io.runnel.broker.api.DeleteGroupsHandler;
import io.runnel.broker.api.DescribeGroupsHandler;
import io.runnel.broker.api.DescribeTopicPartitionsHandler;
import io.runnel.broker.api.DescribeTransactionsHandler;
import io.runnel.broker.api.EndTxnHandler;
import io.runnel.broker.api.FindCoordinatorHandler;
import io.runnel.broker.api.HeartbeatHandler;
import io.runnel.broker.api.JoinGroupHandler;
import io.runnel.broker.api.LeaveGroupHandler;
import io.runnel.broker.api.ListGroupsHandler;
import io.runnel.broker.api.ListPartitionReassignmentsHandler;
import io.runnel.broker.api.ListTransactionsHandler;
import io.runnel.broker.api.OffsetCommitHandler;
import io.runnel.broker.api.OffsetDeleteHandler;
import io.runnel.broker.api.OffsetFetchHandler;
import io.runnel.broker.api.SyncGroupHandler;
import io.runnel.broker.api.FetchHandler;
import io.runnel.broker.api.InitProducerIdHandler;
import io.runnel.broker.api.ListOffsetsHandler;
import io.runnel.broker.api.MetadataHandler;
import io.runnel.broker.api.OffsetForLeaderEpochHandler;
import io.runnel.broker.api.ProduceHandler;
import io.runnel.broker.api.TxnOffsetCommitHandler;
import io.runnel.broker.api.WriteTxnMarkersHandler;
import io.runnel.broker.config.BrokerConfig;
import io.runnel.broker.fetch.FetchSessionCache;
import io.runnel.broker.fetch.ReadReplicaSelector;
import io.runnel.broker.internal.CoordinatorElections;
import io.runnel.broker.internal.InternalTopic;
import io.runnel.broker.internal.InternalTopicLeadership;
import io.runnel.broker.internal.InternalTopicLog;
import io.runnel.broker.lifecycle.BrokerLifecycle;
import io.runnel.broker.lifecycle.ControllerChannel;
import io.runnel.broker.network.ListenerSpec;
import io.runnel.broker.network.NetworkServer;
import io.runnel.broker.network.NetworkSettings;
import io.runnel.broker.producer.ProducerIdManager;
import io.runnel.broker.purgatory.Purgatory;
import io.runnel.broker.replica.ReplicaManager;
import io.runnel.broker.replica.ReplicationSettings;
import io.runnel.broker.txn.BrokerMarkerWriter;
import io.runnel.broker.txn.InterBrokerSender;
import io.runnel.broker.txn.LateTransactions;
import io.runnel.broker.txn.LateTransactionsMonitor;
import io.runnel.broker.txn.LocalMarkers;
import io.runnel.broker.txn.TransactionVerifier;
import io.runnel.coordinator.group.GroupConfig;
import io.runnel.coordinator.group.GroupCoordinator;
import io.runnel.coordinator.group.consumer.ConsumerGroupSettings;
import io.runnel.coordinator.txn.TransactionConfig;
import io.runnel.coordinator.txn.TransactionCoordinator;
import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.Controller;
import io.runnel.metadata.MetadataQuorum;
import io.runnel.metadata.StartupException;
import io.runnel.metadata.QuorumMembership;
import io.runnel.metadata.QuorumSettings;
import io.runnel.storage.LogConfig;
import io.runnel.storage.LogManager;
import io.runnel.storage.StorageSettings;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One Runnel node: storage, metadata quorum member and Kafka protocol server. A broker-only node
 * ({@code process.roles=broker}) is all of that, its quorum member a non-voting listener; a
 * controller-only node ({@code process.roles=controller}) is just its voter.
 *
 * <p>Lifecycle: {@link #start} formats storage on first start, recovers logs, joins the metadata
 * quorum, opens the listeners and registers this broker; it returns once the controller has
 * unfenced the broker (so Metadata answers list it) and the node answers requests. {@link #close}
 * shuts down cleanly: the controller is asked to fence the broker, then listeners (no new work), then the quorum,
 * then the logs (flushed, clean-shutdown marker written).
 */
public final class Broker implements AutoCloseable {
    /** How long a start waits for the controller to register and unfence this broker. */
    private static final long REGISTRATION_TIMEOUT_S = 30;
    private static final Logger log = LoggerFactory.getLogger(Broker.class);
    /** Kafka's max.incremental.fetch.session.cache.slots and min.incremental.fetch.session.eviction.ms. */
    private static final int FETCH_SESSION_SLOTS = 1000;
    private static final long FETCH_SESSION_EVICTION_MS = 120_000;
    /** How long a transaction marker waits for the ISR: Kafka's request.timeout.ms default. */
    private static final long MARKER_REPLICATION_TIMEOUT_MS = 30_000;

    private final List<AutoCloseable> resources;
    private final NetworkServer network;
    private final MetadataQuorum quorum;

    private Broker(List<AutoCloseable> resources, NetworkServer network, MetadataQuorum quorum) {
        this.resources = resources;
        this.network = network;
        this.quorum = quorum;
    }

    /**
     * @throws org.apache.kafka.common.config.ConfigException a config value is unusable
     * @throws io.runnel.metadata.StartupException storage belongs to another node or cluster
     */
    public static Broker start(BrokerConfig config) {
        Time time = Time.SYSTEM;
        if (!config.processRoles().isBroker()) {
            return startControllerOnly(config, time);
        }
        List<AutoCloseable> started = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            Map<String, Object> topicDefaults = LogConfig.defaultsFromBroker(config.values());
            LogManager logs = LogManager.start(config.logDirs(), new StorageSettings(
                    LogConfig.create(topicDefaults, Map.of()),
                    config.logRetentionCheckIntervalMs(),
                    config.logFlushSchedulerIntervalMs(),
                    config.logFlushOffsetCheckpointIntervalMs(),
                    config.producerIdExpirationMs(),
                    config.producerIdExpirationCheckIntervalMs(),
                    config.cleanerSettings()), time);
            started.add(logs);
            long t1 = System.nanoTime();
            MetadataQuorum quorum = MetadataQuorum.start(quorumSettings(config, topicDefaults), membership(config), time);
            started.add(quorum);
            long t2 = System.nanoTime();
            Purgatory<TopicPartition> fetchPurgatory = new Purgatory<>("fetch");
            started.add(fetchPurgatory);
            Purgatory<TopicPartition> producePurgatory = new Purgatory<>("produce");
            started.add(producePurgatory);
            Controller controller = quorum.controller();
            ReplicaManager replicas = new ReplicaManager(config.nodeId(), logs, config.values(),
                    config.replicationSettings(), controller::alterPartition, tp -> {
                        fetchPurgatory.checkAndComplete(tp);
                        producePurgatory.checkAndComplete(tp);
                    }, time);
            started.add(replicas);
            quorum.addListener(replicas);
            GroupCoordinator groups = new GroupCoordinator(groupConfig(config),
                    ConsumerGroupSettings.fromConfig(config.groupConsumerConfig()), config.offsetsTopicNumPartitions(),
                    config.groupCoordinatorThreads(), new InternalTopicLog(Topic.GROUP_METADATA_TOPIC_NAME, replicas,
                            fetchPurgatory, producePurgatory, time), time);
            started.add(groups);
            quorum.addListener(groups::onMetadataUpdate); // before leadership: a loading shard sees the topics
            quorum.addListener(new InternalTopicLeadership(config.nodeId(), Topic.GROUP_METADATA_TOPIC_NAME,
                    CoordinatorElections.of(groups::onElection, groups::onResignation)));
            InternalTopic offsetsTopic = InternalTopic.offsets(controller, config.offsetsTopicNumPartitions(),
                    config.offsetsTopicReplicationFactor(), config.offsetsTopicSegmentBytes());

            ProducerIdManager producerIds = new ProducerIdManager(config.nodeId(), controller);
            ReplicationSettings replication = config.replicationSettings();
            InterBrokerSender markerSender = new InterBrokerSender("txn-markers", config.nodeId(),
                    id -> replicas.endpoint(id, replication.interBrokerListenerName()), replication.socketTimeoutMs());
            started.add(markerSender);
            InterBrokerSender verificationSender = new InterBrokerSender("txn-verification", config.nodeId(),
                    id -> replicas.endpoint(id, replication.interBrokerListenerName()), replication.socketTimeoutMs());
            started.add(verificationSender);
            LocalMarkers localMarkers = new LocalMarkers(replicas, groups, fetchPurgatory, producePurgatory,
                    MARKER_REPLICATION_TIMEOUT_MS);
            BrokerMarkerWriter markers = new BrokerMarkerWriter(config.nodeId(), replicas::image, localMarkers, markerSender);
            started.add(markers);
            TransactionCoordinator transactions = new TransactionCoordinator(transactionConfig(config),
                    config.transactionStateLogNumPartitions(), config.groupCoordinatorThreads(),
                    new InternalTopicLog(Topic.TRANSACTION_STATE_TOPIC_NAME, replicas, fetchPurgatory, producePurgatory, time),
                    producerIds, markers, groups::partitionFor, time);
            started.add(transactions);
            quorum.addListener(new InternalTopicLeadership(config.nodeId(), Topic.TRANSACTION_STATE_TOPIC_NAME,
                    CoordinatorElections.of(transactions::onElection, transactions::onResignation)));
            InternalTopic transactionStateTopic = InternalTopic.transactionState(controller,
                    config.transactionStateLogNumPartitions(), config.transactionStateLogReplicationFactor(),
                    config.transactionStateLogMinIsr(), config.transactionStateLogSegmentBytes());
            started.add(LateTransactionsMonitor.start(new LateTransactions(
                    () -> LateTransactions.producersOf(replicas.leaderPartitions()), config.transactionMaxTimeoutMs(), time),
                    config.nodeId()));
            TransactionVerifier verifier = new TransactionVerifier(config.nodeId(), replicas::image,
                    transactions::partitionFor, transactions::addPartitionsToTxn, verificationSender, time);

            ReadReplicaSelector readReplicaSelector = ReadReplicaSelector.fromConfig(config.replicaSelectorClass(),
                    config.values());
            started.add(readReplicaSelector);
            ApiTable[] table = new ApiTable[1];
            List<ApiHandler<?>> handlers = List.of(
                    new ApiVersionsHandler(() -> table[0], () -> replicas.image().offset()),
                    new MetadataHandler(replicas, quorum, config.autoCreateTopicsEnable()),
                    new ProduceHandler(config.nodeId(), replicas, fetchPurgatory, producePurgatory, verifier,
                            config.transactionPartitionVerificationEnable()),
                    new FetchHandler(replicas, new FetchSessionCache(FETCH_SESSION_SLOTS, FETCH_SESSION_EVICTION_MS, time),
                            fetchPurgatory, readReplicaSelector),
                    new ListOffsetsHandler(replicas),
                    new OffsetForLeaderEpochHandler(replicas),
                    new CreateTopicsHandler(controller),
                    new DeleteTopicsHandler(controller, config.deleteTopicEnable()),
                    new ControllerForwardHandler<>(ApiKeys.CREATE_PARTITIONS, controller::createPartitions),
                    new ControllerForwardHandler<>(ApiKeys.ALTER_CONFIGS, controller::alterConfigs),
                    new ControllerForwardHandler<>(ApiKeys.INCREMENTAL_ALTER_CONFIGS, controller::incrementalAlterConfigs),
                    new AlterPartitionReassignmentsHandler(controller),
                    new ListPartitionReassignmentsHandler(controller),
                    new DescribeConfigsHandler(config, replicas),
                    new DeleteRecordsHandler(replicas),
                    new DescribeClusterHandler(replicas, quorum),
                    new DescribeTopicPartitionsHandler(replicas),
                    new DescribeLogDirsHandler(logs),
                    new DescribeProducersHandler(replicas),
                    new InitProducerIdHandler(producerIds, transactions),
                    new FindCoordinatorHandler(replicas, groups, offsetsTopic, transactions, transactionStateTopic),
                    new AddPartitionsToTxnHandler(replicas, transactions),
                    new AddOffsetsToTxnHandler(transactions),
                    new EndTxnHandler(transactions),
                    new TxnOffsetCommitHandler(replicas, groups, verifier, config.transactionPartitionVerificationEnable()),
                    new WriteTxnMarkersHandler(localMarkers),
                    new DescribeTransactionsHandler(transactions),
                    new ListTransactionsHandler(transactions),
                    new OffsetCommitHandler(replicas, groups),
                    new OffsetFetchHandler(replicas, groups),
                    new OffsetDeleteHandler(replicas, groups),
                    new JoinGroupHandler(groups),
                    new SyncGroupHandler(groups),
                    new HeartbeatHandler(groups),
                    new LeaveGroupHandler(groups),
                    new ListGroupsHandler(groups),
                    new DescribeGroupsHandler(groups),
                    new DeleteGroupsHandler(groups),
                    new ConsumerGroupHeartbeatHandler(groups),
                    new ConsumerGroupDescribeHandler(groups));
            table[0] = new ApiTable(handlers);
            long t3 = System.nanoTime();

            NetworkServer network = NetworkServer.start(brokerListeners(config), table[0], new NetworkSettings(
                    config.socketRequestMaxBytes(), config.numNetworkThreads(), config.connectionsMaxIdleMs(),
                    config.socketSendBufferBytes(), config.socketReceiveBufferBytes()));
            started.add(network);
            long t4 = System.nanoTime();
            ControllerChannel channel = ControllerChannel.local(controller, logs.hadCleanShutdown());
            BrokerLifecycle lifecycle = new BrokerLifecycle(channel, registration(config, network),
                    () -> quorum.image().offset(), replicas.failedReplicas(), config.brokerHeartbeatIntervalMs(),
                    nodeIdClashMs(config));
            started.add(lifecycle);
            try {
                lifecycle.start().get(REGISTRATION_TIMEOUT_S, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof StartupException clash) {
                    throw clash;
                }
                throw e;
            } catch (TimeoutException e) {
                throw new StartupException("broker " + config.nodeId() + " was not registered and unfenced within "
                        + REGISTRATION_TIMEOUT_S + " s: is a majority of controller.quorum.voters running and reachable?");
            }
            log.info("Broker {} ready in {} ms (storage {} ms, metadata quorum {} ms, handlers {} ms, listeners {} ms, registration and unfencing {} ms)",
                    config.nodeId(), ms(System.nanoTime() - t0), ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), ms(t4 - t3),
                    ms(System.nanoTime() - t4));
            // Close in reverse start order: lifecycle (fences this broker), listeners, transaction coordinator,
            // marker writer, inter-broker senders, group coordinator, replica manager (fetchers), purgatories,
            // quorum, logs.
            List<AutoCloseable> closeOrder = new ArrayList<>(started);
            Collections.reverse(closeOrder);
            return new Broker(closeOrder, network, quorum);
        } catch (Exception e) {
            Collections.reverse(started);
            started.forEach(Broker::closeQuietly);
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("broker start failed: " + e.getMessage(), e);
        }
    }

    /**
     * A controller-only node ({@code process.roles=controller}): just its voter of the metadata
     * quorum. No client listener, no log manager (the log dirs hold only {@code meta.properties}
     * and, in the metadata dir, the Raft storage), no broker registration, so no partition is
     * ever placed on it and clients never see it.
     */
    private static Broker startControllerOnly(BrokerConfig config, Time time) {
        long t0 = System.nanoTime();
        MetadataQuorum quorum = MetadataQuorum.start(quorumSettings(config, LogConfig.defaultsFromBroker(config.values())),
                QuorumMembership.CONTROLLER_ONLY, time);
        log.info("Controller {} ready in {} ms", config.nodeId(), ms(System.nanoTime() - t0));
        return new Broker(List.of(quorum), null, quorum);
    }

    private static QuorumSettings quorumSettings(BrokerConfig config, Map<String, Object> topicDefaults) {
        return new QuorumSettings(config.nodeId(), config.quorumVoters(), config.metadataLogDir(), config.logDirs(),
                config.numPartitions(), config.defaultReplicationFactor(), topicDefaults,
                config.brokerSessionTimeoutMs(), config.autoLeaderRebalanceEnable(),
                config.leaderImbalanceCheckIntervalMs());
    }

    /** A combined node votes; a broker-only node follows as a listener peer on its controller listener. */
    private static QuorumMembership membership(BrokerConfig config) {
        return config.processRoles().isController() ? QuorumMembership.COMBINED_VOTER
                : QuorumMembership.listener(config.raftListenerAddress());
    }

    /**
     * The port a listener is bound to (useful when it was configured as port 0).
     *
     * @throws IllegalStateException on a controller-only node, which has no client listener
     */
    public int boundPort(String listenerName) {
        if (network == null) {
            throw new IllegalStateException("a controller-only node has no listener " + listenerName);
        }
        return network.boundPort(listenerName);
    }

    /** This node's metadata quorum member (for in-JVM tests that play another broker). */
    MetadataQuorum quorum() {
        return quorum;
    }

    @Override
    public void close() {
        resources.forEach(Broker::closeQuietly);
    }

    private static TransactionConfig transactionConfig(BrokerConfig config) {
        return new TransactionConfig(config.transactionMaxTimeoutMs(), config.transactionalIdExpirationMs(),
                config.transactionAbortTimedOutTransactionCleanupIntervalMs(),
                config.transactionRemoveExpiredTransactionCleanupIntervalMs());
    }

    private static GroupConfig groupConfig(BrokerConfig config) {
        return new GroupConfig(config.offsetsRetentionMs(), config.offsetsRetentionCheckIntervalMs(),
                config.offsetMetadataMaxBytes(), config.groupMinSessionTimeoutMs(), config.groupMaxSessionTimeoutMs(),
                config.groupInitialRebalanceDelayMs(), config.groupMaxSize());
    }

    private static List<ListenerSpec> brokerListeners(BrokerConfig config) {
        List<ListenerSpec> specs = new ArrayList<>();
        for (BrokerConfig.Listener l : config.listeners()) {
            if (!config.controllerListenerNames().contains(l.name())) {
                specs.add(new ListenerSpec(l.name(), l.host(), l.port()));
            }
        }
        return specs;
    }

    /** Advertised endpoints; a listener configured with port 0 advertises the port it got. */
    private static BrokerRegistration registration(BrokerConfig config, NetworkServer network) {
        List<BrokerRegistration.Endpoint> endpoints = new ArrayList<>();
        for (BrokerConfig.Listener l : config.advertisedListeners()) {
            int port = l.port() == 0 ? network.boundPort(l.name()) : l.port();
            endpoints.add(new BrokerRegistration.Endpoint(l.name(), l.host(), port, l.securityProtocol()));
        }
        return new BrokerRegistration(config.nodeId(), Uuid.randomUuid(), endpoints, config.rack(), false);
    }

    /**
     * How long registrations may be refused as duplicates before the node id counts as taken by a
     * live process: the longest session a controller keeps for a predecessor that may be dead
     * ({@link Controller#longestSilentSessionMs}), and two more session timeouts for refusals
     * answered before a controller was active.
     */
    private static long nodeIdClashMs(BrokerConfig config) {
        long session = config.brokerSessionTimeoutMs();
        return Controller.longestSilentSessionMs(session) + 2 * session;
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            log.warn("Error while closing {}", resource.getClass().getSimpleName(), e);
        }
    }
}
