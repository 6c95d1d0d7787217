package io.runnel.metadata;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;

import java.util.Map;

/**
 * An immutable view of all cluster metadata after replaying the metadata log up to {@code offset}.
 *
 * @param offset index of the last metadata record replayed (-1 for the empty image)
 * @param brokers registered brokers by node id
 * @param topicsByName every topic by name
 * @param topicsById the same topics by id
 * @param configs dynamic config overrides per resource (topic or broker), key to value
 * @param nextProducerId first producer id not yet handed out in a block
 */
public record MetadataImage(String clusterId, long offset, Map<Integer, BrokerRegistration> brokers,
                            Map<String, TopicImage> topicsByName, Map<Uuid, TopicImage> topicsById,
                            Map<ConfigResource, Map<String, String>> configs, long nextProducerId) {

    public static MetadataImage empty(String clusterId) {
        return new MetadataImage(clusterId, -1, Map.of(), Map.of(), Map.of(), Map.of(), 0);
    }

    /** The dynamic overrides of one resource; empty if it has none. */
    public Map<String, String> configsOf(ConfigResource resource) {
        return configs.getOrDefault(resource, Map.of());
    }
}
