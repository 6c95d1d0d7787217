package io.runnel.metadata.controller;

import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.TopicImage;
import io.runnel.metadata.record.ConfigRecord;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.PartitionChangeRecord;
import io.runnel.storage.LogConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * AlterConfigs (legacy: the given configs replace every override of the resource) and
 * IncrementalAlterConfigs (SET, DELETE, APPEND and SUBTRACT per key; the list operations only on
 * list-typed topic configs). Each resource is computed into its new override map, checked, and
 * turned into ConfigRecords for the keys that change.
 *
 * <p>TOPIC resources must exist (UNKNOWN_TOPIC_OR_PARTITION) and pass {@code LogConfig.validate}
 * (INVALID_CONFIG). BROKER resources (a node id, or empty for the cluster default) accept only
 * {@link DynamicBrokerConfigs} keys (INVALID_REQUEST otherwise), and values of topic-default
 * synonyms must parse ({@code LogConfig.defaultsFromBroker}, INVALID_CONFIG). Other resource types are
 * INVALID_REQUEST: broker loggers are the broker's business, not the controller's. Stateless
 * apart from the immutable {@link TopicConfigs}.
 */
final class ConfigAlteration {
    private final TopicConfigs topicConfigs;

    ConfigAlteration(TopicConfigs topicConfigs) {
        this.topicConfigs = topicConfigs;
    }

    ControllerResult<AlterConfigsResponseData> alterConfigs(MetadataImage image, AlterConfigsRequestData request) {
        AlterConfigsResponseData response = new AlterConfigsResponseData();
        List<MetadataRecord> records = new ArrayList<>();
        for (AlterConfigsRequestData.AlterConfigsResource r : request.resources()) {
            Map<String, String> wanted = new HashMap<>();
            Failure failure = null;
            for (AlterConfigsRequestData.AlterableConfig c : r.configs()) {
                if (c.value() == null) {
                    failure = new Failure(Errors.INVALID_REQUEST, "Null value not supported for : " + c.name());
                    break;
                }
                wanted.put(c.name(), c.value());
            }
            if (failure == null) {
                failure = change(image, r.resourceType(), r.resourceName(), current -> wanted,
                        request.validateOnly() ? new ArrayList<>() : records);
            }
            response.responses().add(new AlterConfigsResponseData.AlterConfigsResourceResponse()
                    .setResourceType(r.resourceType())
                    .setResourceName(r.resourceName())
                    .setErrorCode(failure == null ? Errors.NONE.code() : failure.error.code())
                    .setErrorMessage(failure == null ? null : failure.message));
        }
        return new ControllerResult<>(records, response);
    }

    ControllerResult<IncrementalAlterConfigsResponseData> incrementalAlterConfigs(
            MetadataImage image, IncrementalAlterConfigsRequestData request) {
        IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
        List<MetadataRecord> records = new ArrayList<>();
        for (IncrementalAlterConfigsRequestData.AlterConfigsResource r : request.resources()) {
            Failure failure = change(image, r.resourceType(), r.resourceName(),
                    current -> applyOps(r, current), request.validateOnly() ? new ArrayList<>() : records);
            response.responses().add(new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse()
                    .setResourceType(r.resourceType())
                    .setResourceName(r.resourceName())
                    .setErrorCode(failure == null ? Errors.NONE.code() : failure.error.code())
                    .setErrorMessage(failure == null ? null : failure.message));
        }
        return new ControllerResult<>(records, response);
    }

    /** A per-resource failure: the error code and message the response carries. */
    private record Failure(Errors error, String message) {
    }

    /** Thrown inside an edit to reject the resource. */
    private static final class Rejected extends RuntimeException {
        private final Errors error;

        Rejected(Errors error, String message) {
            super(message, null, false, false);
            this.error = error;
        }
    }

    @FunctionalInterface
    private interface Edit {
        Map<String, String> apply(Map<String, String> current);
    }

    private Failure change(MetadataImage image, byte typeId, String name, Edit edit, List<MetadataRecord> records) {
        ConfigResource.Type type = ConfigResource.Type.forId(typeId);
        ConfigResource resource = new ConfigResource(type, name);
        Map<String, String> current = image.configsOf(resource);
        Map<String, String> wanted;
        try {
            if (type == ConfigResource.Type.TOPIC) {
                if (!image.topicsByName().containsKey(name)) {
                    return new Failure(Errors.UNKNOWN_TOPIC_OR_PARTITION, "The topic '" + name + "' does not exist.");
                }
                wanted = edit.apply(current);
                topicConfigs.validate(wanted);
            } else if (type == ConfigResource.Type.BROKER) {
                if (!name.isEmpty() && !isNodeId(name)) {
                    return new Failure(Errors.INVALID_REQUEST, "Invalid broker name " + name);
                }
                wanted = edit.apply(current);
                Set<String> changed = new TreeSet<>();
                for (String key : union(current.keySet(), wanted.keySet())) {
                    if (!Objects.equals(current.get(key), wanted.get(key)) && !DynamicBrokerConfigs.isDynamic(key)) {
                        changed.add(key);
                    }
                }
                if (!changed.isEmpty()) {
                    return new Failure(Errors.INVALID_REQUEST, "Cannot update these configs dynamically: " + changed);
                }
                LogConfig.defaultsFromBroker(wanted); // values of topic-default synonyms (log.retention.ms...)
                DynamicBrokerConfigs.validate(wanted);
            } else {
                return new Failure(Errors.INVALID_REQUEST, "Unsupported resource type " + type + " for altering configs.");
            }
        } catch (Rejected e) {
            return new Failure(e.error, e.getMessage());
        } catch (InvalidConfigurationException e) {
            return new Failure(Errors.INVALID_CONFIG, e.getMessage());
        }
        for (String key : union(current.keySet(), wanted.keySet())) {
            String value = wanted.get(key);
            if (!Objects.equals(current.get(key), value)) {
                records.add(new ConfigRecord(type, name, key, value));
            }
        }
        if (!Objects.equals(current.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG),
                wanted.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG)) && (type == ConfigResource.Type.TOPIC || name.isEmpty())) {
            records.addAll(clearEligibleLeaderReplicas(image, type == ConfigResource.Type.TOPIC ? name : null));
        }
        return null;
    }

    /**
     * A changed {@code min.insync.replicas} invalidates eligible leader replicas (KIP-966, as Kafka's
     * controller does): they were chosen against the old value. Clears them, and the last known
     * leader, for {@code topic}, or (null) for every topic that inherits the cluster-wide value.
     */
    private static List<PartitionChangeRecord> clearEligibleLeaderReplicas(MetadataImage image, String topic) {
        List<PartitionChangeRecord> changes = new ArrayList<>();
        for (TopicImage t : image.topicsByName().values()) {
            boolean affected = topic != null ? t.name().equals(topic)
                    : !image.configsOf(new ConfigResource(ConfigResource.Type.TOPIC, t.name()))
                            .containsKey(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
            if (!affected) {
                continue;
            }
            t.partitions().forEach((id, p) -> {
                if (!p.elr().isEmpty() || !p.lastKnownElr().isEmpty()) {
                    changes.add(new PartitionChangeRecord(t.id(), id, p.isr(), p.leader(), p.leaderEpoch(),
                            p.partitionEpoch() + 1));
                }
            });
        }
        return changes;
    }

    private Map<String, String> applyOps(IncrementalAlterConfigsRequestData.AlterConfigsResource r,
                                         Map<String, String> current) {
        boolean topic = r.resourceType() == ConfigResource.Type.TOPIC.id();
        Map<String, String> result = new HashMap<>(current);
        Set<String> keys = new HashSet<>();
        for (IncrementalAlterConfigsRequestData.AlterableConfig c : r.configs()) {
            if (!keys.add(c.name())) {
                throw new Rejected(Errors.INVALID_REQUEST, "Error due to duplicate config keys");
            }
            AlterConfigOp.OpType op = AlterConfigOp.OpType.forId(c.configOperation());
            if (op == null) {
                throw new Rejected(Errors.INVALID_REQUEST, "Unknown config operation " + c.configOperation());
            }
            switch (op) {
                case SET -> {
                    if (c.value() == null) {
                        throw new Rejected(Errors.INVALID_REQUEST, "Null value not supported for : " + c.name());
                    }
                    result.put(c.name(), c.value());
                }
                case DELETE -> result.remove(c.name());
                case APPEND, SUBTRACT -> {
                    String verb = op == AlterConfigOp.OpType.APPEND ? "append" : "subtract";
                    if (topic && topicConfigs.type(c.name()) != ConfigDef.Type.LIST) {
                        throw new Rejected(Errors.INVALID_CONFIG,
                                "Config value " + verb + " is not allowed for config key: " + c.name());
                    }
                    String base = result.containsKey(c.name()) ? result.get(c.name())
                            : topic ? topicConfigs.defaultValue(c.name()) : null;
                    Set<String> values = split(base);
                    if (op == AlterConfigOp.OpType.APPEND) {
                        values.addAll(split(c.value()));
                    } else {
                        values.removeAll(split(c.value()));
                    }
                    result.put(c.name(), String.join(",", values));
                }
            }
        }
        return result;
    }

    private static Set<String> split(String list) {
        Set<String> values = new LinkedHashSet<>();
        if (list != null) {
            Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(values::add);
        }
        return values;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private static boolean isNodeId(String name) {
        try {
            return Integer.parseInt(name) >= 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
