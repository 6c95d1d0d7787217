package io.runnel.coordinator.group.consumer;

import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.TopicImage;
import org.apache.kafka.common.internals.Topic;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Resolves members' subscriptions (topic names and a regular expression) to topics of the
 * metadata image, and hashes the metadata of subscribed topics so that a change (a topic created,
 * deleted or given more partitions) is noticed as a changed hash.
 *
 * <p>Regular expressions are {@link java.util.regex.Pattern}s matched against whole topic names
 * (Kafka uses RE2J, whose syntax is a subset for the common cases); internal topics never match.
 * Compiled patterns are cached. Thread-safety: none; owned by the shard thread.
 */
final class TopicSubscriptions {

    private static final int MAX_CACHED_PATTERNS = 1024;

    private final Map<String, Pattern> patterns = new HashMap<>();

    /** Compiles {@code regex}, or throws {@link PatternSyntaxException}. */
    Pattern compile(String regex) {
        Pattern pattern = patterns.get(regex);
        if (pattern == null) {
            pattern = Pattern.compile(regex);
            if (patterns.size() >= MAX_CACHED_PATTERNS) {
                patterns.clear();
            }
            patterns.put(regex, pattern);
        }
        return pattern;
    }

    /**
     * Whether {@code regex} matches the whole of {@code topic} (internal topics never match).
     * Uncached: for the rare offset expiry and deletion checks, not for heartbeats.
     */
    static boolean matches(String regex, String topic) {
        return !Topic.isInternal(topic) && Pattern.compile(regex).matcher(topic).matches();
    }

    /** Names of existing topics that {@code members} subscribe to, by name or regex, sorted. */
    Set<String> subscribedTopics(Collection<ConsumerGroupMember> members, MetadataImage image) {
        Set<String> topics = new TreeSet<>();
        for (ConsumerGroupMember member : members) {
            topics.addAll(subscribedTopics(member, image));
        }
        return topics;
    }

    /** Names of existing topics that {@code member} subscribes to, by name or regex. */
    Set<String> subscribedTopics(ConsumerGroupMember member, MetadataImage image) {
        Set<String> topics = new TreeSet<>();
        for (String name : member.subscribedTopicNames()) {
            if (image.topicsByName().containsKey(name)) {
                topics.add(name);
            }
        }
        if (member.subscribedTopicRegex() != null) {
            Pattern pattern = compile(member.subscribedTopicRegex());
            for (String name : image.topicsByName().keySet()) {
                if (!Topic.isInternal(name) && pattern.matcher(name).matches()) {
                    topics.add(name);
                }
            }
        }
        return topics;
    }

    /**
     * A 64-bit hash of name, id and partition count of each topic in {@code topicNames} (sorted);
     * 0 for no topics. Stored with the group epoch; stable across JVMs (no identity hashes).
     */
    static long metadataHash(Set<String> topicNames, MetadataImage image) {
        long hash = 0;
        for (String name : new TreeSet<>(topicNames)) {
            TopicImage topic = image.topicsByName().get(name);
            if (topic == null) {
                continue;
            }
            hash = mix(hash, name.getBytes(StandardCharsets.UTF_8));
            hash = mix(hash, topic.id().getMostSignificantBits());
            hash = mix(hash, topic.id().getLeastSignificantBits());
            hash = mix(hash, topic.partitions().size());
        }
        return hash;
    }

    private static long mix(long hash, byte[] bytes) {
        long h = hash;
        for (byte b : bytes) {
            h = mix(h, b);
        }
        return mix(h, bytes.length);
    }

    /** One FNV-1a-style step over a 64-bit value, then a murmur finalizer. */
    private static long mix(long hash, long value) {
        long h = (hash ^ value) * 0x100000001b3L;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }
}
