package io.runnel.metadata.image;

import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import io.runnel.metadata.record.BrokerFencingRecord;
import io.runnel.metadata.record.ConfigRecord;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.PartitionChangeRecord;
import io.runnel.metadata.record.PartitionRecord;
import io.runnel.metadata.record.ProducerIdsRecord;
import io.runnel.metadata.record.RegisterBrokerRecord;
import io.runnel.metadata.record.RemoveTopicRecord;
import io.runnel.metadata.record.TopicRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays records onto an image and builds the next immutable image (copy-on-write). Only what
 * a batch touches is copied: a top-level map once per batch, and the partition map or config map
 * of each topic or resource the batch changes; untouched topics are shared with the previous image.
 *
 * <p>Replay is lenient where a record refers to something already gone (a partition of a removed
 * topic, or a change of a partition that does not exist, is ignored): the log is the truth and
 * replay must never fail half-way. Not thread-safe: one builder per batch, on one thread.
 */
public final class ImageBuilder {
    private final MetadataImage base;
    private Map<Integer, BrokerRegistration> brokers;
    private Map<String, TopicImage> topicsByName;
    private Map<Uuid, TopicImage> topicsById;
    private final Map<Uuid, Map<Integer, PartitionRegistration>> changedPartitions = new HashMap<>();
    private Map<ConfigResource, Map<String, String>> configs;
    private final Map<ConfigResource, Map<String, String>> changedConfigs = new HashMap<>();
    private long nextProducerId;

    public ImageBuilder(MetadataImage base) {
        this.base = base;
        this.nextProducerId = base.nextProducerId();
    }

    /** Replays {@code records} onto {@code image}; the result has offset {@code offset}. */
    public static MetadataImage apply(MetadataImage image, List<MetadataRecord> records, long offset) {
        ImageBuilder builder = new ImageBuilder(image);
        records.forEach(builder::replay);
        return builder.build(offset);
    }

    public void replay(MetadataRecord record) {
        if (record instanceof TopicRecord r) {
            TopicImage topic = new TopicImage(r.name(), r.topicId(), Map.of());
            topicsByName().put(r.name(), topic);
            topicsById().put(r.topicId(), topic);
            changedPartitions.put(r.topicId(), new HashMap<>());
        } else if (record instanceof PartitionRecord r) {
            Map<Integer, PartitionRegistration> partitions = partitionsForUpdate(r.topicId());
            if (partitions != null) {
                partitions.put(r.partitionId(), r.registration());
            }
        } else if (record instanceof PartitionChangeRecord r) {
            Map<Integer, PartitionRegistration> partitions = partitionsForUpdate(r.topicId());
            if (partitions != null) {
                partitions.computeIfPresent(r.partitionId(), (id, old) -> r.applyTo(old));
            }
        } else if (record instanceof RemoveTopicRecord r) {
            TopicImage topic = topicsById().remove(r.topicId());
            changedPartitions.remove(r.topicId());
            if (topic != null) {
                topicsByName().remove(topic.name());
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
                configs().remove(resource);
                changedConfigs.remove(resource);
            }
        } else if (record instanceof ConfigRecord r) {
            Map<String, String> values = configsForUpdate(r.resource());
            if (r.value() == null) {
                values.remove(r.name());
            } else {
                values.put(r.name(), r.value());
            }
        } else if (record instanceof RegisterBrokerRecord r) {
            brokers().put(r.registration().id(), r.registration());
        } else if (record instanceof ProducerIdsRecord r) {
            nextProducerId = Math.max(nextProducerId, r.nextProducerId());
        } else if (record instanceof BrokerFencingRecord r) {
            BrokerRegistration broker = brokers == null ? base.brokers().get(r.brokerId()) : brokers.get(r.brokerId());
            if (broker != null && broker.incarnationId().equals(r.incarnationId()) && broker.fenced() != r.fenced()) {
                brokers().put(broker.id(), broker.withFenced(r.fenced()));
            }
        }
    }

    public MetadataImage build(long offset) {
        Map<String, TopicImage> byName = topicsByName;
        Map<Uuid, TopicImage> byId = topicsById;
        if (!changedPartitions.isEmpty()) {
            byName = topicsByName();
            byId = topicsById();
            for (Map.Entry<Uuid, Map<Integer, PartitionRegistration>> e : changedPartitions.entrySet()) {
                TopicImage old = byId.get(e.getKey());
                TopicImage topic = new TopicImage(old.name(), old.id(), Collections.unmodifiableMap(e.getValue()));
                byId.put(topic.id(), topic);
                byName.put(topic.name(), topic);
            }
        }
        Map<ConfigResource, Map<String, String>> newConfigs = configs;
        if (!changedConfigs.isEmpty()) {
            newConfigs = configs();
            for (Map.Entry<ConfigResource, Map<String, String>> e : changedConfigs.entrySet()) {
                if (e.getValue().isEmpty()) {
                    newConfigs.remove(e.getKey());
                } else {
                    newConfigs.put(e.getKey(), Collections.unmodifiableMap(e.getValue()));
                }
            }
        }
        return new MetadataImage(base.clusterId(), offset,
                brokers == null ? base.brokers() : Collections.unmodifiableMap(brokers),
                byName == null ? base.topicsByName() : Collections.unmodifiableMap(byName),
                byId == null ? base.topicsById() : Collections.unmodifiableMap(byId),
                newConfigs == null ? base.configs() : Collections.unmodifiableMap(newConfigs),
                nextProducerId);
    }

    private Map<Integer, PartitionRegistration> partitionsForUpdate(Uuid topicId) {
        Map<Integer, PartitionRegistration> partitions = changedPartitions.get(topicId);
        if (partitions == null) {
            TopicImage topic = topicsById == null ? base.topicsById().get(topicId) : topicsById.get(topicId);
            if (topic == null) {
                return null;
            }
            partitions = new HashMap<>(topic.partitions());
            changedPartitions.put(topicId, partitions);
        }
        return partitions;
    }

    private Map<String, String> configsForUpdate(ConfigResource resource) {
        return changedConfigs.computeIfAbsent(resource, r -> new HashMap<>(
                configs == null ? base.configsOf(r) : configs.getOrDefault(r, Map.of())));
    }

    private Map<Integer, BrokerRegistration> brokers() {
        if (brokers == null) {
            brokers = new HashMap<>(base.brokers());
        }
        return brokers;
    }

    private Map<String, TopicImage> topicsByName() {
        if (topicsByName == null) {
            topicsByName = new HashMap<>(base.topicsByName());
        }
        return topicsByName;
    }

    private Map<Uuid, TopicImage> topicsById() {
        if (topicsById == null) {
            topicsById = new HashMap<>(base.topicsById());
        }
        return topicsById;
    }

    private Map<ConfigResource, Map<String, String>> configs() {
        if (configs == null) {
            configs = new HashMap<>(base.configs());
        }
        return configs;
    }
}
