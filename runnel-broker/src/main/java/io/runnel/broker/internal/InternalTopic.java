package io.runnel.broker.internal;

import io.runnel.metadata.Controller;
import io.runnel.metadata.MetadataImage;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfigCollection;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicCollection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A coordinator's internal topic ({@code __consumer_offsets}, {@code __transaction_state}),
 * created through the controller the first time a client looks for a coordinator: compacted,
 * with the partitions, replication factor and topic configs its broker settings give.
 *
 * <p>Thread-safety: safe for concurrent use; one creation is in flight at a time.
 */
public final class InternalTopic {
    private static final Logger log = LoggerFactory.getLogger(InternalTopic.class);

    private final Controller controller;
    private final String name;
    private final int numPartitions;
    private final short replicationFactor;
    private final Map<String, String> configs;
    private final AtomicBoolean creating = new AtomicBoolean();

    /** @param configs topic configs besides {@code cleanup.policy=compact} */
    public InternalTopic(Controller controller, String name, int numPartitions, short replicationFactor,
                         Map<String, String> configs) {
        this.controller = controller;
        this.name = name;
        this.numPartitions = numPartitions;
        this.replicationFactor = replicationFactor;
        Map<String, String> all = new LinkedHashMap<>();
        all.put("cleanup.policy", "compact");
        all.putAll(configs);
        this.configs = Map.copyOf(all);
    }

    /** {@code __consumer_offsets}: {@code offsets.topic.segment.bytes} segments, compression as produced (Kafka's). */
    public static InternalTopic offsets(Controller controller, int numPartitions, short replicationFactor,
                                        int segmentBytes) {
        return new InternalTopic(controller, Topic.GROUP_METADATA_TOPIC_NAME, numPartitions, replicationFactor,
                Map.of("segment.bytes", String.valueOf(segmentBytes), "compression.type", "producer"));
    }

    /**
     * {@code __transaction_state}: {@code transaction.state.log.segment.bytes} segments,
     * {@code transaction.state.log.min.isr}, uncompressed, no unclean election (Kafka's).
     */
    public static InternalTopic transactionState(Controller controller, int numPartitions, short replicationFactor,
                                                 int minIsr, int segmentBytes) {
        return new InternalTopic(controller, Topic.TRANSACTION_STATE_TOPIC_NAME, numPartitions, replicationFactor,
                Map.of("segment.bytes", String.valueOf(segmentBytes), "min.insync.replicas", String.valueOf(minIsr),
                        "compression.type", "uncompressed", "unclean.leader.election.enable", "false"));
    }

    public String name() {
        return name;
    }

    /** True if the topic is in {@code image}; otherwise starts creating it and returns false. */
    public boolean ensureExists(MetadataImage image) {
        if (image.topicsByName().containsKey(name)) {
            return true;
        }
        if (creating.compareAndSet(false, true)) {
            CreatableTopicConfigCollection topicConfigs = new CreatableTopicConfigCollection();
            configs.forEach((key, value) -> topicConfigs.add(new CreatableTopicConfig().setName(key).setValue(value)));
            CreatableTopicCollection topics = new CreatableTopicCollection();
            topics.add(new CreatableTopic().setName(name).setNumPartitions(numPartitions)
                    .setReplicationFactor(replicationFactor).setConfigs(topicConfigs));
            controller.createTopics(new CreateTopicsRequestData().setTopics(topics).setTimeoutMs(30_000))
                    .whenComplete((response, e) -> {
                        if (e != null) {
                            log.warn("Could not create {}: {}", name, e.toString());
                        } else {
                            response.topics().forEach(t -> {
                                if (t.errorCode() != 0) {
                                    log.warn("Could not create {}: error {} {}", t.name(), t.errorCode(), t.errorMessage());
                                } else {
                                    log.info("Created {} with {} partitions", t.name(), numPartitions);
                                }
                            });
                        }
                        creating.set(false);
                    });
        }
        return false;
    }
}
