package io.runnel.metadata;

/**
 * Told of every new image, in log order, on the metadata replay thread. Implementations must not
 * block: hand slow work (creating or deleting logs) to another thread if needed.
 */
@FunctionalInterface
public interface MetadataListener {
    void onMetadataUpdate(MetadataImage previous, MetadataImage current);
}
