package io.runnel.cli.groups;

import org.apache.kafka.common.TopicPartition;

import java.util.OptionalLong;

/**
 * One partition of a group's view: its committed offset (absent when the group has none), the
 * partition's end offset (high watermark) and the member it is assigned to ("-" when none).
 */
record PartitionLag(TopicPartition partition, OptionalLong committedOffset, long endOffset,
                    String memberId, String host, String clientId) {

    /** End offset minus committed offset, never negative; absent without a committed offset. */
    OptionalLong lag() {
        return committedOffset.isPresent()
                ? OptionalLong.of(Math.max(0, endOffset - committedOffset.getAsLong()))
                : OptionalLong.empty();
    }
}
