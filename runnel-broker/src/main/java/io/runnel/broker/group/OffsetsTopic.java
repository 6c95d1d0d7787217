package io.runnel.broker.group;

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

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Creates {@code __consumer_offsets} through the controller the first time a group needs a
 * coordinator: {@code offsets.topic.num.partitions} partitions, {@code offsets.topic.replication.factor}
 * replicas, compacted, {@code offsets.topic.segment.bytes} segments, compression as produced.
 *
 * <p>Thread-safety: safe for concurrent use; one creation is in flight at a time.
 */
public final class OffsetsTopic {
    private static final Logger log = LoggerFactory.getLogger(OffsetsTopic.class);

    private final Controller controller;
    private final int numPartitions;
    private final short replicationFactor;
    private final int segmentBytes;
    private final AtomicBoolean creating = new AtomicBoolean();

    public OffsetsTopic(Controller controller, int numPartitions, short replicationFactor, int segmentBytes) {
        this.controller = controller;
        this.numPartitions = numPartitions;
        this.replicationFactor = replicationFactor;
        this.segmentBytes = segmentBytes;
    }

    /** True if the topic is in {@code image}; otherwise starts creating it and returns false. */
    public boolean ensureExists(MetadataImage image) {
        if (image.topicsByName().containsKey(Topic.GROUP_METADATA_TOPIC_NAME)) {
            return true;
        }
        if (creating.compareAndSet(false, true)) {
            CreatableTopicConfigCollection configs = new CreatableTopicConfigCollection();
            configs.add(new CreatableTopicConfig().setName("cleanup.policy").setValue("compact"));
            configs.add(new CreatableTopicConfig().setName("segment.bytes").setValue(String.valueOf(segmentBytes)));
            configs.add(new CreatableTopicConfig().setName("compression.type").setValue("producer"));
            CreatableTopicCollection topics = new CreatableTopicCollection();
            topics.add(new CreatableTopic().setName(Topic.GROUP_METADATA_TOPIC_NAME).setNumPartitions(numPartitions)
                    .setReplicationFactor(replicationFactor).setConfigs(configs));
            controller.createTopics(new CreateTopicsRequestData().setTopics(topics).setTimeoutMs(30_000))
                    .whenComplete((response, e) -> {
                        if (e != null) {
                            log.warn("Could not create {}: {}", Topic.GROUP_METADATA_TOPIC_NAME, e.toString());
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
