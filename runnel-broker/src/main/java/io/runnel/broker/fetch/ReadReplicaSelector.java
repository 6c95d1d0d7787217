package io.runnel.broker.fetch;

import io.runnel.broker.replica.FollowerSnapshot;
import io.runnel.broker.replica.Partition;
import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.MetadataImage;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.replica.ClientMetadata;
import org.apache.kafka.common.replica.PartitionView;
import org.apache.kafka.common.replica.ReplicaSelector;
import org.apache.kafka.common.replica.ReplicaView;
import org.apache.kafka.common.utils.Utils;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Chooses a consumer's preferred read replica (KIP-392) with the configured
 * {@code replica.selector.class}, a Kafka {@link ReplicaSelector} plugin such as
 * {@code org.apache.kafka.common.replica.RackAwareReplicaSelector}. Without one, consumers always
 * read from the leader.
 *
 * <p>Kafka's rules: only the leader chooses, only for consumers that sent client metadata (v11+);
 * the candidates are the leader and the in-sync followers whose fetch state is known and whose log
 * holds the fetch offset; the leader itself is never named as the preferred replica. A follower's
 * log start offset is not tracked here: the leader's stands in for it.
 *
 * <p>Thread-safe if the plugin is (Kafka's are stateless).
 */
public final class ReadReplicaSelector implements AutoCloseable {
    /** No selector: every consumer fetch is served by the leader. */
    public static final ReadReplicaSelector NONE = new ReadReplicaSelector(null);

    private final ReplicaSelector plugin;

    public ReadReplicaSelector(ReplicaSelector plugin) {
        this.plugin = plugin;
    }

    /**
     * The selector named by {@code replica.selector.class}, configured with the broker's config;
     * {@link #NONE} when {@code className} is null or empty.
     */
    public static ReadReplicaSelector fromConfig(String className, Map<String, ?> brokerConfig) {
        if (className == null || className.isBlank()) {
            return NONE;
        }
        try {
            ReplicaSelector plugin = Utils.newInstance(className.trim(), ReplicaSelector.class);
            plugin.configure(brokerConfig);
            return new ReadReplicaSelector(plugin);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("replica.selector.class " + className + " was not found", e);
        }
    }

    public boolean isEnabled() {
        return plugin != null;
    }

    /**
     * The follower the consumer should read {@code partition} from at {@code fetchOffset}, or empty
     * when it should read from this broker (no selector, not leader, or the selector chose the leader).
     */
    public OptionalInt preferredReadReplica(Partition partition, ClientMetadata client, long fetchOffset,
                                            MetadataImage image) {
        if (plugin == null || client == null || !partition.isLeader()) {
            return OptionalInt.empty();
        }
        List<FollowerSnapshot> followers = partition.inSyncFollowers();
        long logStartOffset = partition.log().logStartOffset();
        Set<ReplicaView> candidates = new HashSet<>(followers.size() + 1);
        for (FollowerSnapshot f : followers) {
            if (f.logEndOffset() >= fetchOffset && logStartOffset <= fetchOffset) {
                candidates.add(new ReplicaView.DefaultReplicaView(node(image, f.brokerId(), client.listenerName()),
                        f.logEndOffset(), f.timeSinceLastCaughtUpMs()));
            }
        }
        ReplicaView leader = new ReplicaView.DefaultReplicaView(
                node(image, partition.registration().leader(), client.listenerName()), partition.log().logEndOffset(), 0);
        candidates.add(leader);
        Optional<ReplicaView> chosen = plugin.select(partition.topicPartition(), client,
                new PartitionView.DefaultPartitionView(candidates, leader));
        return chosen.filter(r -> !r.endpoint().isEmpty() && !r.equals(leader))
                .map(r -> OptionalInt.of(r.endpoint().id())).orElse(OptionalInt.empty());
    }

    /** The broker's node on the client's listener; {@link Node#noNode()} when it has none. */
    private static Node node(MetadataImage image, int brokerId, String listenerName) {
        BrokerRegistration broker = image.brokers().get(brokerId);
        if (broker == null) {
            return Node.noNode();
        }
        return broker.endpoints().stream().filter(e -> e.listenerName().equals(listenerName)).findFirst()
                .map(e -> new Node(brokerId, e.host(), e.port(), broker.rack())).orElse(Node.noNode());
    }

    @Override
    public void close() throws Exception {
        if (plugin != null) {
            plugin.close();
        }
    }
}
