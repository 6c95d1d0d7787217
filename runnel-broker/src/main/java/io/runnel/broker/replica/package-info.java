/**
 * The partitions this broker holds, kept in step with the metadata image, and the rules of
 * leadership that apply to them (leader epoch checks, high watermark, min.insync.replicas).
 */
package io.runnel.broker.replica;
