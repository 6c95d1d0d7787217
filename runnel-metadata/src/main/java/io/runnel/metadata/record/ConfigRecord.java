package io.runnel.metadata.record;

import org.apache.kafka.common.config.ConfigResource;

/**
 * Sets ({@code value} non-null) or removes ({@code value} null) one dynamic config override of a
 * resource. A broker resource with the empty name is the cluster-wide default.
 */
public record ConfigRecord(ConfigResource.Type resourceType, String resourceName, String name, String value)
        implements MetadataRecord {

    public ConfigResource resource() {
        return new ConfigResource(resourceType, resourceName);
    }
}
