package io.runnel.cli.transactions;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * Finds hanging transactions as kafka-transactions.sh find-hanging does: every partition's open
 * transactions (DescribeProducers on the leaders) that have been open longer than the maximum
 * transaction timeout, then, for their producer ids, the transactional ids the coordinators know
 * (ListTransactions) and their current transactions (DescribeTransactions). A transaction hangs
 * when no coordinator knows its producer, or the coordinator's transaction for it does not
 * include the partition: no marker will ever end it, and it holds the partition's last stable
 * offset back until it is aborted.
 */
final class HangingTransactions {
    /** Kafka's transaction.max.timeout.ms default, when the broker does not report its own. */
    static final long DEFAULT_MAX_TIMEOUT_MS = 900_000;
    private static final String MAX_TIMEOUT_CONFIG = "transaction.max.timeout.ms";
    private static final Comparator<OpenTransaction> ORDER = Comparator
            .comparing((OpenTransaction t) -> t.partition().topic())
            .thenComparingInt(t -> t.partition().partition())
            .thenComparingLong(OpenTransaction::startOffset);

    private HangingTransactions() {
    }

    /** The hanging transactions of every partition of {@code topics} (every topic when empty), in partition order. */
    static List<OpenTransaction> find(Admin admin, Collection<String> topics, long maxTimeoutMs, long nowMs)
            throws ExecutionException, InterruptedException {
        Set<TopicPartition> partitions = partitionsOf(admin, topics);
        if (partitions.isEmpty()) {
            return List.of();
        }
        Map<TopicPartition, List<ProducerState>> producers = new HashMap<>();
        admin.describeProducers(partitions).all().get()
                .forEach((tp, state) -> producers.put(tp, state.activeProducers()));
        List<OpenTransaction> candidates = candidates(producers, nowMs, maxTimeoutMs);
        if (candidates.isEmpty()) {
            return List.of();
        }
        Set<Long> producerIds = new HashSet<>();
        candidates.forEach(t -> producerIds.add(t.producer().producerId()));
        Map<Long, String> transactionalIds = new HashMap<>();
        for (TransactionListing listing : admin.listTransactions(new ListTransactionsOptions()
                .filterProducerIds(producerIds)).all().get()) {
            if (producerIds.contains(listing.producerId())) {
                transactionalIds.put(listing.producerId(), listing.transactionalId());
            }
        }
        return hanging(candidates, transactionalIds, describe(admin, transactionalIds.values()));
    }

    /** The transactions open for longer than {@code maxTimeoutMs} since their producer's last batch. */
    static List<OpenTransaction> candidates(Map<TopicPartition, List<ProducerState>> producers, long nowMs,
                                            long maxTimeoutMs) {
        List<OpenTransaction> candidates = new ArrayList<>();
        producers.forEach((tp, states) -> {
            for (ProducerState state : states) {
                OpenTransaction open = new OpenTransaction(tp, state, null);
                if (state.currentTransactionStartOffset().isPresent() && open.openMs(nowMs) > maxTimeoutMs) {
                    candidates.add(open);
                }
            }
        });
        return candidates;
    }

    /**
     * The candidates no coordinator will end, with the reason, in partition order.
     *
     * @param transactionalIds the transactional id a coordinator lists for a producer id
     * @param descriptions the coordinators' current transactions; a transactional id they no longer know is absent
     */
    static List<OpenTransaction> hanging(List<OpenTransaction> candidates, Map<Long, String> transactionalIds,
                                         Map<String, TransactionDescription> descriptions) {
        List<OpenTransaction> hanging = new ArrayList<>();
        for (OpenTransaction open : candidates) {
            String transactionalId = transactionalIds.get(open.producer().producerId());
            TransactionDescription description = transactionalId == null ? null : descriptions.get(transactionalId);
            if (description == null) {
                hanging.add(open.hanging(HangingReason.UNKNOWN_PRODUCER));
            } else if (!description.topicPartitions().contains(open.partition())) {
                hanging.add(open.hanging(HangingReason.NOT_IN_TRANSACTION));
            }
        }
        hanging.sort(ORDER);
        return hanging;
    }

    /** The broker's transaction.max.timeout.ms (of the first broker Metadata lists), or Kafka's default. */
    static long brokerMaxTimeoutMs(Admin admin) throws ExecutionException, InterruptedException {
        Collection<Node> nodes = admin.describeCluster().nodes().get();
        if (nodes.isEmpty()) {
            return DEFAULT_MAX_TIMEOUT_MS;
        }
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, nodes.iterator().next().idString());
        Config config = admin.describeConfigs(List.of(broker)).all().get().get(broker);
        ConfigEntry entry = config == null ? null : config.get(MAX_TIMEOUT_CONFIG);
        return entry == null || entry.value() == null ? DEFAULT_MAX_TIMEOUT_MS : Long.parseLong(entry.value());
    }

    private static Set<TopicPartition> partitionsOf(Admin admin, Collection<String> topics)
            throws ExecutionException, InterruptedException {
        Collection<String> names = topics.isEmpty()
                ? admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get() : topics;
        Set<TopicPartition> partitions = new HashSet<>();
        for (TopicDescription topic : admin.describeTopics(names).allTopicNames().get().values()) {
            topic.partitions().forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition())));
        }
        return partitions;
    }

    private static Map<String, TransactionDescription> describe(Admin admin, Collection<String> transactionalIds)
            throws ExecutionException, InterruptedException {
        Map<String, TransactionDescription> descriptions = new HashMap<>();
        if (transactionalIds.isEmpty()) {
            return descriptions;
        }
        var result = admin.describeTransactions(transactionalIds);
        for (String transactionalId : transactionalIds) {
            try {
                descriptions.put(transactionalId, result.description(transactionalId).get());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TransactionalIdNotFoundException)) {
                    throw e;
                }
            }
        }
        return descriptions;
    }
}
