package io.runnel.broker.replica;

import io.runnel.broker.replica.fetcher.ReplicaFetcherManager;
import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.MetadataListener;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import io.runnel.storage.LogConfig;
import io.runnel.storage.LogManager;
import io.runnel.storage.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The partitions this broker holds a replica of, kept in step with the metadata image: it creates
 * logs for new partitions and for partitions reassigned to it, deletes the logs of deleted topics
 * and of partitions reassigned away from it (and stray logs left on disk by either while the
 * broker was down), and pushes topic config changes to the logs. A replica that leaves a
 * partition stops fetching and serving it before its log is deleted.
 *
 * <p>Replication: a partition this broker leads serves its followers' fetches (see
 * {@link Partition}); one it follows is handed to the {@link ReplicaFetcherManager}, which
 * truncates and fetches it on a fetcher thread. Becoming leader stops fetching the partition.
 * The {@code isr-expiration} thread checks every {@code replica.lag.time.max.ms / 2} whether a
 * led partition's ISR must shrink. Replication to and from replicas outside the ISR may be
 * throttled ({@link ReplicationQuota}, KIP-73): this manager keeps both sides' rates and throttled
 * partitions in step with the dynamic broker and topic configs.
 *
 * <p>Thread-safety: {@link #onMetadataUpdate} runs on the metadata replay thread only and never
 * blocks (fetching and truncation run on fetcher threads); lookups from request threads read a
 * concurrent map and see each partition once it is fully built.
 */
public final class ReplicaManager implements MetadataListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);
    private static final String LEADER_THROTTLED_RATE = "leader.replication.throttled.rate";
    private static final String FOLLOWER_THROTTLED_RATE = "follower.replication.throttled.rate";
    private static final String LEADER_THROTTLED_REPLICAS = "leader.replication.throttled.replicas";
    private static final String FOLLOWER_THROTTLED_REPLICAS = "follower.replication.throttled.replicas";

    private final int localBrokerId;
    private final LogManager logManager;
    private final Map<String, ?> brokerConfig;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final ReplicationContext replication;
    private final ReplicaFetcherManager fetchers;
    private final ReplicationQuota leaderQuota;
    private final ReplicationQuota followerQuota;
    private final ScheduledExecutorService isrExpiration;
    private final FailedReplicas failedReplicas = new FailedReplicas();
    private volatile MetadataImage image;

    /**
     * @param brokerConfig the broker's parsed config values; the source of topic config defaults
     * @param alterPartition where ISR changes of led partitions go (the active controller)
     * @param listener told when a partition's high watermark or leadership changes
     */
    public ReplicaManager(int localBrokerId, LogManager logManager, Map<String, ?> brokerConfig,
                          ReplicationSettings settings, AlterPartitionSender alterPartition, PartitionListener listener,
                          Time time) {
        this.localBrokerId = localBrokerId;
        this.logManager = logManager;
        this.brokerConfig = brokerConfig;
        this.image = MetadataImage.empty("");
        this.replication = new ReplicationContext(time, settings.replicaLagTimeMaxMs(), alterPartition, listener,
                this::isrEligible, failedReplicas);
        this.leaderQuota = new ReplicationQuota(time);
        this.followerQuota = new ReplicationQuota(time);
        this.fetchers = new ReplicaFetcherManager(localBrokerId, settings,
                id -> endpoint(id, settings.interBrokerListenerName()), followerQuota, time);
        this.isrExpiration = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "isr-expiration");
            t.setDaemon(true);
            return t;
        });
        long checkIntervalMs = Math.max(1, settings.replicaLagTimeMaxMs() / 2);
        isrExpiration.scheduleAtFixedRate(this::maybeShrinkIsrs, checkIntervalMs, checkIntervalMs, TimeUnit.MILLISECONDS);
    }

    public Optional<Partition> partition(TopicPartition tp) {
        return Optional.ofNullable(partitions.get(tp));
    }

    /**
     * The partition's registration in the image this manager last applied, whether or not this
     * broker holds a replica of it; empty when the metadata does not know the partition.
     */
    public Optional<PartitionRegistration> registration(TopicPartition tp) {
        TopicImage topic = tp.topic() == null ? null : image.topicsByName().get(tp.topic());
        return Optional.ofNullable(topic == null ? null : topic.partitions().get(tp.partition()));
    }

    /** The image this manager last applied: what request handlers should answer from. */
    public MetadataImage image() {
        return image;
    }

    /** Topic-level defaults: broker properties overlaid with dynamic broker configs from metadata. */
    public Map<String, Object> topicDefaults(MetadataImage current) {
        Map<String, Object> merged = new HashMap<>(brokerConfig);
        merged.putAll(brokerConfigs(current));
        return LogConfig.defaultsFromBroker(merged);
    }

    public LogConfig logConfig(MetadataImage current, String topic, Map<String, Object> defaults) {
        return LogConfig.create(defaults, current.configsOf(new ConfigResource(ConfigResource.Type.TOPIC, topic)));
    }

    /** The leader side of the replication throttle: what this broker sends to replicas outside the ISR. */
    public ReplicationQuota leaderQuota() {
        return leaderQuota;
    }

    @Override
    public void onMetadataUpdate(MetadataImage previous, MetadataImage current) {
        if (previous.offset() < 0 || !previous.configs().equals(current.configs())) {
            updateQuotas(current);
        }
        Map<String, Object> defaults = topicDefaults(current);
        boolean defaultsChanged = !brokerConfigs(previous).equals(brokerConfigs(current));
        for (TopicImage topic : current.topicsByName().values()) {
            TopicImage before = previous.topicsById().get(topic.id());
            boolean configChanged = defaultsChanged || !Objects.equals(
                    previous.configsOf(topicResource(topic.name())), current.configsOf(topicResource(topic.name())));
            if (before != null && before.partitions().equals(topic.partitions()) && !configChanged) {
                continue;
            }
            LogConfig config = logConfig(current, topic.name(), defaults);
            topic.partitions().forEach((index, registration) ->
                    applyPartition(new TopicPartition(topic.name(), index), topic.id(), registration, config, configChanged));
        }
        for (Partition partition : partitions.values()) {
            TopicImage topic = current.topicsById().get(partition.topicId());
            PartitionRegistration registration = topic == null ? null
                    : topic.partitions().get(partition.topicPartition().partition());
            if (registration == null) {
                removePartition(partition.topicPartition(), "it is no longer in the metadata");
            } else if (!registration.replicas().contains(localBrokerId)) {
                // Requests parked on this replica (acks=all produces) learn at once that it lost leadership.
                partition.updateRegistration(registration);
                removePartition(partition.topicPartition(), "it was reassigned away from this broker");
            }
        }
        if (previous.offset() < 0) {
            deleteStrayLogs(current);
        }
        image = current;
    }

    private void applyPartition(TopicPartition tp, Uuid topicId, PartitionRegistration registration, LogConfig config,
                                boolean configChanged) {
        if (!registration.replicas().contains(localBrokerId)) {
            return;
        }
        Partition existing = partitions.get(tp);
        if (existing != null && !existing.topicId().equals(topicId)) {
            removePartition(tp, "its topic was recreated with id " + topicId);
            existing = null;
        }
        if (existing == null) {
            PartitionLog partitionLog = logManager.get(tp)
                    .filter(l -> l.topicId().equals(topicId))
                    .orElseGet(() -> {
                        logManager.get(tp).ifPresent(stale -> logManager.delete(tp));
                        return logManager.getOrCreate(tp, topicId, config);
                    });
            partitionLog.updateConfig(config);
            Partition partition = new Partition(localBrokerId, tp, topicId, partitionLog, registration, replication);
            partitions.put(tp, partition);
            if (!partition.isLeader()) {
                follow(partition, registration);
            }
        } else {
            switch (existing.updateRegistration(registration)) {
                case BECAME_LEADER -> {
                    log.info("Leading {} in epoch {} (ISR {})", tp, registration.leaderEpoch(), registration.isr());
                    fetchers.stopFollowing(tp);
                }
                case BECAME_FOLLOWER -> follow(existing, registration);
                case NONE -> { }
            }
            if (configChanged) {
                existing.log().updateConfig(config);
            }
        }
    }

    private void follow(Partition partition, PartitionRegistration registration) {
        if (registration.leader() >= 0) {
            log.info("Following {} from broker {} in epoch {}", partition.topicPartition(), registration.leader(),
                    registration.leaderEpoch());
            fetchers.follow(partition, registration.leader(), registration.leaderEpoch());
        } else {
            fetchers.stopFollowing(partition.topicPartition());
        }
    }

    /** The partitions this broker leads now: a snapshot; any of them may lose leadership at any time. */
    public List<Partition> leaderPartitions() {
        List<Partition> leaders = new ArrayList<>();
        for (Partition partition : partitions.values()) {
            if (partition.isLeader()) {
                leaders.add(partition);
            }
        }
        return leaders;
    }

    /** Checks every led partition for followers out of sync longer than replica.lag.time.max.ms. */
    public void maybeShrinkIsrs() {
        for (Partition partition : partitions.values()) {
            try {
                partition.maybeShrinkIsr();
            } catch (RuntimeException e) {
                log.error("ISR check of {} failed", partition.topicPartition(), e);
            }
        }
    }

    /** Replicas whose log failed a write, for the next heartbeat to report. */
    public FailedReplicas failedReplicas() {
        return failedReplicas;
    }

    /** The fetchers of partitions this broker follows. */
    public ReplicaFetcherManager fetchers() {
        return fetchers;
    }

    private boolean isrEligible(int brokerId) {
        BrokerRegistration broker = image.brokers().get(brokerId);
        return broker != null && !broker.fenced();
    }

    /** A broker's address on {@code listenerName} (else its first endpoint) in the image last applied. */
    public Optional<InetSocketAddress> endpoint(int brokerId, String listenerName) {
        BrokerRegistration broker = image.brokers().get(brokerId);
        if (broker == null) {
            return Optional.empty();
        }
        return broker.endpoints().stream()
                .filter(e -> e.listenerName().equals(listenerName))
                .findFirst()
                .or(() -> broker.endpoints().stream().findFirst())
                .map(e -> new InetSocketAddress(e.host(), e.port()));
    }

    private void removePartition(TopicPartition tp, String why) {
        fetchers.stopFollowing(tp);
        if (partitions.remove(tp) != null) {
            log.info("Deleting the log of {}: {}", tp, why);
            logManager.delete(tp);
        }
    }

    private void deleteStrayLogs(MetadataImage current) {
        for (PartitionLog partitionLog : logManager.all()) {
            TopicPartition tp = partitionLog.topicPartition();
            TopicImage topic = current.topicsById().get(partitionLog.topicId());
            PartitionRegistration registration = topic == null || !topic.name().equals(tp.topic()) ? null
                    : topic.partitions().get(tp.partition());
            if (registration == null || !registration.replicas().contains(localBrokerId)) {
                log.info("Deleting stray log {} (topic id {}): not in the metadata, or this broker is no longer "
                        + "one of its replicas", tp, partitionLog.topicId());
                fetchers.stopFollowing(tp);
                partitions.remove(tp);
                logManager.delete(tp);
            }
        }
    }

    /** Rates and throttled partitions of both sides of the replication throttle, from {@code current}'s configs. */
    private void updateQuotas(MetadataImage current) {
        Map<String, String> dynamic = brokerConfigs(current);
        leaderQuota.updateRate(throttleRate(dynamic, LEADER_THROTTLED_RATE));
        followerQuota.updateRate(throttleRate(dynamic, FOLLOWER_THROTTLED_RATE));
        Map<String, Set<Integer>> leaderThrottled = new HashMap<>();
        Map<String, Set<Integer>> followerThrottled = new HashMap<>();
        for (TopicImage topic : current.topicsByName().values()) {
            Map<String, String> configs = current.configsOf(topicResource(topic.name()));
            Set<Integer> led = ReplicationQuota.throttledPartitions(configs.get(LEADER_THROTTLED_REPLICAS), localBrokerId);
            Set<Integer> followed = ReplicationQuota.throttledPartitions(configs.get(FOLLOWER_THROTTLED_REPLICAS),
                    localBrokerId);
            if (!led.isEmpty()) {
                leaderThrottled.put(topic.name(), led);
            }
            if (!followed.isEmpty()) {
                followerThrottled.put(topic.name(), followed);
            }
        }
        leaderQuota.updateThrottled(leaderThrottled);
        followerQuota.updateThrottled(followerThrottled);
    }

    /** A throttle rate: the dynamic value, else the static one, else unlimited. */
    private long throttleRate(Map<String, String> dynamic, String key) {
        Object value = dynamic.containsKey(key) ? dynamic.get(key) : brokerConfig.get(key);
        try {
            return value == null ? ReplicationQuota.UNLIMITED : Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            log.warn("Ignoring {}={}: not a number of bytes per second", key, value);
            return ReplicationQuota.UNLIMITED;
        }
    }

    /** Dynamic broker configs: the cluster-wide defaults overlaid with this broker's own. */
    private Map<String, String> brokerConfigs(MetadataImage image) {
        Map<String, String> merged = new HashMap<>(image.configsOf(new ConfigResource(ConfigResource.Type.BROKER, "")));
        merged.putAll(image.configsOf(new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(localBrokerId))));
        return merged;
    }

    private static ConfigResource topicResource(String topic) {
        return new ConfigResource(ConfigResource.Type.TOPIC, topic);
    }

    @Override
    public void close() {
        isrExpiration.shutdownNow();
        fetchers.close();
    }
}
