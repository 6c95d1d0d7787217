/**
 * Building {@link io.runnel.metadata.MetadataImage}s: replaying record batches onto an image
 * (copy-on-write) and the snapshot file format, which is an image written as records.
 */
package io.runnel.metadata.image;
