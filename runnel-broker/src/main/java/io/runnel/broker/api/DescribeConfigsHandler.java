package io.runnel.broker.api;

import io.runnel.broker.config.BrokerConfig;
import io.runnel.broker.network.RequestContext;
import io.runnel.broker.replica.ReplicaManager;
import io.runnel.metadata.MetadataImage;
import io.runnel.storage.LogConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeConfigs v1-v4 for topics and this broker.
 * <ul>
 *   <li>Topic configs: every topic-level key with its effective value and where it comes from
 *       (topic override, dynamic broker config, the broker's properties file, or Kafka's default);
 *       v1+ synonyms in precedence order when asked; v3+ types and documentation when asked.</li>
 *   <li>Broker configs: the broker's own keys; the resource name must be this node's id, or empty
 *       for the cluster-wide dynamic defaults.</li>
 *   <li>Broker loggers are not supported yet (INVALID_REQUEST).</li>
 * </ul>
 */
public final class DescribeConfigsHandler implements ApiHandler<DescribeConfigsRequestData> {
    private final BrokerConfig config;
    private final ReplicaManager replicas;

    public DescribeConfigsHandler(BrokerConfig config, ReplicaManager replicas) {
        this.config = config;
        this.replicas = replicas;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CONFIGS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DescribeConfigsRequestData request) {
        MetadataImage image = replicas.image();
        DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        for (var resource : request.resources()) {
            DescribeConfigsResult result = new DescribeConfigsResult()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            response.results().add(result);
            ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
            List<DescribeConfigsResourceResult> configs;
            if (type == ConfigResource.Type.TOPIC) {
                if (!image.topicsByName().containsKey(resource.resourceName())) {
                    fail(result, Errors.UNKNOWN_TOPIC_OR_PARTITION, "topic " + resource.resourceName() + " does not exist");
                    continue;
                }
                configs = topicConfigs(image, resource.resourceName(), request);
            } else if (type == ConfigResource.Type.BROKER) {
                String name = resource.resourceName();
                if (!name.isEmpty() && !name.equals(String.valueOf(config.nodeId()))) {
                    fail(result, Errors.INVALID_REQUEST, "this is broker " + config.nodeId() + ", not " + name);
                    continue;
                }
                configs = brokerConfigs(image, name.isEmpty());
            } else {
                fail(result, Errors.INVALID_REQUEST, "describing " + type + " configs is not supported");
                continue;
            }
            configs.removeIf(c -> resource.configurationKeys() != null && !resource.configurationKeys().contains(c.name()));
            if (!request.includeSynonyms()) {
                configs.forEach(c -> c.setSynonyms(new ArrayList<>(0)));
            }
            result.setConfigs(configs);
        }
        return CompletableFuture.completedFuture(response);
    }

    private List<DescribeConfigsResourceResult> topicConfigs(MetadataImage image, String topic,
                                                             DescribeConfigsRequestData request) {
        Map<String, String> overrides = image.configsOf(new ConfigResource(ConfigResource.Type.TOPIC, topic));
        Map<String, String> dynamicNode = image.configsOf(new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(config.nodeId())));
        Map<String, String> dynamicDefault = image.configsOf(new ConfigResource(ConfigResource.Type.BROKER, ""));
        LogConfig effective = replicas.logConfig(image, topic, replicas.topicDefaults(image));
        ConfigDef def = LogConfig.configDef();
        List<DescribeConfigsResourceResult> out = new ArrayList<>();
        for (Map.Entry<String, Object> e : new TreeMap<>(effective.values()).entrySet()) {
            String key = e.getKey();
            ConfigDef.ConfigKey keyDef = def.configKeys().get(key);
            String brokerKey = LogConfig.brokerSynonym(key);
            List<DescribeConfigsSynonym> synonyms = new ArrayList<>();
            addSynonym(synonyms, key, overrides.get(key), ConfigSource.TOPIC_CONFIG);
            if (brokerKey != null) {
                addSynonym(synonyms, brokerKey, dynamicNode.get(brokerKey), ConfigSource.DYNAMIC_BROKER_CONFIG);
                addSynonym(synonyms, brokerKey, dynamicDefault.get(brokerKey), ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
                addSynonym(synonyms, brokerKey, config.explicitlySet().get(brokerKey), ConfigSource.STATIC_BROKER_CONFIG);
            }
            String value = keyDef == null ? String.valueOf(e.getValue()) : stringValue(e.getValue(), keyDef.type);
            addSynonym(synonyms, brokerKey != null ? brokerKey : key, value, ConfigSource.DEFAULT_CONFIG);
            DescribeConfigsResourceResult result = new DescribeConfigsResourceResult()
                    .setName(key)
                    .setValue(value)
                    .setConfigSource(synonyms.get(0).source())
                    .setReadOnly(false)
                    .setIsSensitive(false)
                    .setSynonyms(synonyms)
                    .setConfigType(keyDef == null ? ConfigType.UNKNOWN.id() : configType(keyDef.type).id());
            if (request.includeDocumentation() && keyDef != null) {
                result.setDocumentation(keyDef.documentation);
            }
            out.add(result);
        }
        return out;
    }

    private List<DescribeConfigsResourceResult> brokerConfigs(MetadataImage image, boolean clusterDefaults) {
        Map<String, String> dynamicNode = image.configsOf(new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(config.nodeId())));
        Map<String, String> dynamicDefault = image.configsOf(new ConfigResource(ConfigResource.Type.BROKER, ""));
        List<DescribeConfigsResourceResult> out = new ArrayList<>();
        if (clusterDefaults) {
            new TreeMap<>(dynamicDefault).forEach((k, v) -> out.add(new DescribeConfigsResourceResult().setName(k).setValue(v)
                    .setConfigSource(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG.id())
                    .setSynonyms(new ArrayList<>(List.of(synonym(k, v, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG))))));
            return out;
        }
        for (Map.Entry<String, Object> e : new TreeMap<>(config.values()).entrySet()) {
            String key = e.getKey();
            boolean sensitive = e.getValue() instanceof Password;
            List<DescribeConfigsSynonym> synonyms = new ArrayList<>();
            addSynonym(synonyms, key, dynamicNode.get(key), ConfigSource.DYNAMIC_BROKER_CONFIG);
            addSynonym(synonyms, key, dynamicDefault.get(key), ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
            addSynonym(synonyms, key, config.explicitlySet().get(key), ConfigSource.STATIC_BROKER_CONFIG);
            String value = sensitive ? null : stringValue(e.getValue(), null);
            addSynonym(synonyms, key, value, ConfigSource.DEFAULT_CONFIG);
            out.add(new DescribeConfigsResourceResult()
                    .setName(key)
                    .setValue(synonyms.isEmpty() ? null : synonyms.get(0).value())
                    .setConfigSource(synonyms.isEmpty() ? ConfigSource.DEFAULT_CONFIG.id() : synonyms.get(0).source())
                    .setReadOnly(!dynamicNode.containsKey(key) && !dynamicDefault.containsKey(key))
                    .setIsSensitive(sensitive)
                    .setSynonyms(synonyms));
        }
        return out;
    }

    private static void addSynonym(List<DescribeConfigsSynonym> synonyms, String name, String value, ConfigSource source) {
        if (value != null || (source == ConfigSource.DEFAULT_CONFIG && synonyms.isEmpty())) {
            synonyms.add(synonym(name, value, source));
        }
    }

    private static DescribeConfigsSynonym synonym(String name, String value, ConfigSource source) {
        return new DescribeConfigsSynonym().setName(name).setValue(value).setSource(source.id());
    }

    private static String stringValue(Object value, ConfigDef.Type type) {
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return type == null ? String.valueOf(value) : ConfigDef.convertToString(value, type);
    }

    private static ConfigType configType(ConfigDef.Type type) {
        return switch (type) {
            case BOOLEAN -> ConfigType.BOOLEAN;
            case STRING -> ConfigType.STRING;
            case INT -> ConfigType.INT;
            case SHORT -> ConfigType.SHORT;
            case LONG -> ConfigType.LONG;
            case DOUBLE -> ConfigType.DOUBLE;
            case LIST -> ConfigType.LIST;
            case CLASS -> ConfigType.CLASS;
            case PASSWORD -> ConfigType.PASSWORD;
        };
    }

    private static void fail(DescribeConfigsResult result, Errors error, String message) {
        result.setErrorCode(error.code()).setErrorMessage(message).setConfigs(new ArrayList<>(0));
    }
}
