package io.runnel.broker.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidList;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigDef.Validator;

import java.util.Set;

import static org.apache.kafka.common.config.ConfigDef.Range.atLeast;
import static org.apache.kafka.common.config.ConfigDef.Range.between;

/**
 * The broker keys Runnel understands: Kafka 4.4's names, types, validators and defaults, except
 * for the few defaults that make a single node start out of the box (marked "Runnel" below).
 *
 * <p>Every key of Kafka's shipped KRaft {@code server.properties} is defined, so such a file
 * parses with type checks; the keys Runnel accepts but does not act on are in {@link #UNUSED}.
 */
final class BrokerConfigDef {
    private static final long HOUR_MS = 60 * 60 * 1000L;

    /** Defined keys that are type-checked but have no effect in Runnel (yet). */
    static final Set<String> UNUSED = Set.of(
            "controller.quorum.bootstrap.servers",
            "num.recovery.threads.per.data.dir",
            "share.coordinator.append.linger.ms",
            "share.coordinator.cached.buffer.max.bytes",
            "share.coordinator.cold.partition.snapshot.interval.ms",
            "share.coordinator.load.buffer.size",
            "share.coordinator.snapshot.update.records.per.snapshot",
            "share.coordinator.state.topic.compression.codec",
            "share.coordinator.state.topic.min.isr",
            "share.coordinator.state.topic.num.partitions",
            "share.coordinator.state.topic.prune.interval.ms",
            "share.coordinator.state.topic.replication.factor",
            "share.coordinator.state.topic.segment.bytes",
            "share.coordinator.threads",
            "share.coordinator.write.timeout.ms");

    static final ConfigDef DEF = new ConfigDef();

    static {
        server();
        sockets();
        logBasics();
        logSegmentsAndRetention();
        logFlush();
        logCleaner();
        replication();
        internalTopics();
        groupsAndProducers();
        shareCoordinator();
    }

    private BrokerConfigDef() {
    }

    private static void server() {
        key("process.roles", Type.LIST, "broker,controller", ValidList.in(false, "broker", "controller"),
                Importance.HIGH, "The roles of this node: broker,controller (combined), broker (follows the metadata "
                        + "quorum without voting) or controller (a voter that serves no clients).");
        key("node.id", Type.INT, 1, atLeast(0), Importance.HIGH,
                "The id of this node, unique in the cluster. Runnel default: 1.");
        key("controller.quorum.voters", Type.LIST, "1@localhost:9093", null, Importance.HIGH,
                "The static metadata quorum: comma-separated id@host:port of every voter. Runnel default: 1@localhost:9093.");
        key("controller.quorum.bootstrap.servers", Type.LIST, "", null, Importance.HIGH,
                "Kafka's dynamic-quorum bootstrap endpoints. Runnel uses the static controller.quorum.voters and ignores this key.");
        key("listeners", Type.LIST, "PLAINTEXT://:9092,CONTROLLER://:9093", null, Importance.HIGH,
                "Comma-separated NAME://host:port the node listens on; an empty host binds every interface. "
                        + "Runnel default: PLAINTEXT://:9092,CONTROLLER://:9093.");
        key("advertised.listeners", Type.LIST, null, null, Importance.HIGH,
                "Listeners given to clients in metadata. Default: listeners without the controller listeners, "
                        + "with an empty host shown as localhost.");
        key("controller.listener.names", Type.LIST, "CONTROLLER", null, Importance.HIGH,
                "Names of the listeners the metadata quorum uses. Runnel default: CONTROLLER.");
        key("listener.security.protocol.map", Type.STRING,
                "SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT", null, Importance.LOW,
                "Comma-separated NAME:PROTOCOL. When not set, controller listeners default to PLAINTEXT. "
                        + "Runnel supports PLAINTEXT only for now.");
        key("inter.broker.listener.name", Type.STRING, null, null, Importance.MEDIUM,
                "The listener brokers use to talk to each other. Default: PLAINTEXT.");
        key("broker.rack", Type.STRING, null, null, Importance.MEDIUM,
                "The rack of this broker, used for rack-aware replica placement.");
        key("broker.heartbeat.interval.ms", Type.INT, 500, atLeast(1), Importance.MEDIUM,
                "Milliseconds between a broker's heartbeats to the active controller. Runnel default: 500 (Kafka: 2000).");
        key("broker.session.timeout.ms", Type.INT, 2000, atLeast(1), Importance.MEDIUM,
                "Milliseconds without a heartbeat after which the controller fences a broker and moves its "
                        + "leaderships. Runnel default: 2000 (Kafka: 9000), so a dead leader is replaced within 3 s.");
        key("auto.leader.rebalance.enable", Type.BOOLEAN, true, null, Importance.HIGH,
                "Whether the controller moves leadership back to preferred replicas periodically.");
        key("leader.imbalance.check.interval.seconds", Type.LONG, 300L, atLeast(1), Importance.HIGH,
                "Seconds between the controller's leader balancing runs.");
    }

    private static void sockets() {
        key("num.network.threads", Type.INT, 3, atLeast(1), Importance.HIGH,
                "Threads receiving requests from and sending responses to the network.");
        key("num.io.threads", Type.INT, 8, atLeast(1), Importance.HIGH,
                "Threads processing requests, including disk I/O.");
        key("socket.send.buffer.bytes", Type.INT, 102400, null, Importance.HIGH,
                "SO_SNDBUF of server sockets in bytes; -1 uses the OS default.");
        key("socket.receive.buffer.bytes", Type.INT, 102400, null, Importance.HIGH,
                "SO_RCVBUF of server sockets in bytes; -1 uses the OS default.");
        key("socket.request.max.bytes", Type.INT, 104857600, atLeast(1), Importance.HIGH,
                "The largest request frame accepted, in bytes; larger frames close the connection.");
        key("connections.max.idle.ms", Type.LONG, 600000L, null, Importance.MEDIUM,
                "Idle connections are closed after this many milliseconds.");
        key("message.max.bytes", Type.INT, 1048588, atLeast(0), Importance.HIGH,
                "The largest record batch accepted, in bytes (topic-level max.message.bytes).");
    }

    private static void logBasics() {
        key("log.dirs", Type.LIST, null, null, Importance.HIGH,
                "Comma-separated directories holding partition logs. When not set, log.dir is used.");
        key("log.dir", Type.LIST, "./data", null, Importance.HIGH,
                "The log directory used when log.dirs is not set. Runnel default: ./data.");
        key("metadata.log.dir", Type.STRING, null, null, Importance.HIGH,
                "Where the metadata quorum's log lives. Default: the first log directory.");
        key("num.partitions", Type.INT, 1, atLeast(1), Importance.MEDIUM,
                "Partitions of an auto-created topic or of a CreateTopics request that gives none.");
        key("default.replication.factor", Type.INT, 1, null, Importance.MEDIUM,
                "Replication factor of an auto-created topic or of a CreateTopics request that gives none.");
        key("auto.create.topics.enable", Type.BOOLEAN, true, null, Importance.HIGH,
                "Create a topic when a client asks for metadata of an unknown one.");
        key("delete.topic.enable", Type.BOOLEAN, true, null, Importance.HIGH,
                "Allow DeleteTopics.");
        key("num.recovery.threads.per.data.dir", Type.INT, 2, atLeast(1), Importance.HIGH,
                "Kafka's log recovery threads per directory; not used by Runnel.");
    }

    private static void logSegmentsAndRetention() {
        key("log.segment.bytes", Type.INT, 1073741824, atLeast(1048576), Importance.HIGH,
                "Segment size in bytes at which a new segment is rolled.");
        key("log.roll.ms", Type.LONG, null, null, Importance.HIGH,
                "Age in milliseconds at which a segment is rolled; overrides log.roll.hours.");
        key("log.roll.hours", Type.INT, 168, atLeast(1), Importance.HIGH,
                "Age in hours at which a segment is rolled.");
        key("log.roll.jitter.ms", Type.LONG, null, null, Importance.HIGH,
                "Maximum random jitter in milliseconds subtracted from the roll time; overrides log.roll.jitter.hours.");
        key("log.roll.jitter.hours", Type.INT, 0, atLeast(0), Importance.HIGH,
                "Maximum random jitter in hours subtracted from the roll time.");
        key("log.retention.ms", Type.LONG, null, null, Importance.HIGH,
                "Retention time in milliseconds (-1: forever); wins over log.retention.minutes and log.retention.hours.");
        key("log.retention.minutes", Type.INT, null, null, Importance.HIGH,
                "Retention time in minutes; wins over log.retention.hours.");
        key("log.retention.hours", Type.INT, 168, null, Importance.HIGH,
                "Retention time in hours.");
        key("log.retention.bytes", Type.LONG, -1L, null, Importance.HIGH,
                "Maximum partition size in bytes before old segments are deleted; -1: no limit.");
        key("log.retention.check.interval.ms", Type.LONG, 300000L, atLeast(1), Importance.MEDIUM,
                "How often, in milliseconds, segments are checked for deletion.");
        key("log.segment.delete.delay.ms", Type.LONG, 60000L, atLeast(0), Importance.HIGH,
                "Delay in milliseconds before a deleted segment's files are removed.");
        key("log.index.interval.bytes", Type.INT, 4096, atLeast(0), Importance.MEDIUM,
                "Bytes of records between two offset index entries.");
        key("log.index.size.max.bytes", Type.INT, 10485760, atLeast(4), Importance.MEDIUM,
                "Maximum size of an offset or time index file in bytes.");
        key("log.message.timestamp.type", Type.STRING, "CreateTime", ValidString.in("CreateTime", "LogAppendTime"),
                Importance.MEDIUM, "Whether record timestamps are the producer's (CreateTime) or the broker's (LogAppendTime).");
        key("log.message.timestamp.before.max.ms", Type.LONG, Long.MAX_VALUE, atLeast(0), Importance.MEDIUM,
                "How far in milliseconds a CreateTime timestamp may be behind the broker's clock.");
        key("log.message.timestamp.after.max.ms", Type.LONG, HOUR_MS, atLeast(0), Importance.MEDIUM,
                "How far in milliseconds a CreateTime timestamp may be ahead of the broker's clock.");
        key("log.cleanup.policy", Type.LIST, "delete", ValidList.in("compact", "delete"), Importance.MEDIUM,
                "delete (retention), compact (log cleaner) or both.");
        key("log.preallocate", Type.BOOLEAN, false, null, Importance.MEDIUM,
                "Preallocate segment files when rolling.");
    }

    private static void logFlush() {
        key("log.flush.interval.messages", Type.LONG, Long.MAX_VALUE, atLeast(1), Importance.HIGH,
                "Records appended to a partition before it is fsynced.");
        key("log.flush.interval.ms", Type.LONG, null, null, Importance.HIGH,
                "Milliseconds a record may stay unflushed; default: log.flush.scheduler.interval.ms.");
        key("log.flush.scheduler.interval.ms", Type.LONG, Long.MAX_VALUE, null, Importance.HIGH,
                "How often, in milliseconds, logs are checked for a time-based flush.");
        key("log.flush.offset.checkpoint.interval.ms", Type.INT, 60000, atLeast(0), Importance.HIGH,
                "How often, in milliseconds, recovery points are checkpointed.");
    }

    private static void logCleaner() {
        key("log.cleaner.enable", Type.BOOLEAN, true, null, Importance.MEDIUM,
                "Run the log cleaner for compacted topics.");
        key("log.cleaner.threads", Type.INT, 1, atLeast(0), Importance.MEDIUM,
                "Log cleaner threads.");
        key("log.cleaner.backoff.ms", Type.LONG, 15000L, atLeast(0), Importance.MEDIUM,
                "Sleep in milliseconds when there is nothing to clean.");
        key("log.cleaner.dedupe.buffer.size", Type.LONG, 134217728L, null, Importance.MEDIUM,
                "Memory in bytes for key deduplication, over all cleaner threads.");
        key("log.cleaner.io.buffer.size", Type.INT, 524288, atLeast(0), Importance.MEDIUM,
                "I/O buffer memory in bytes, over all cleaner threads.");
        key("log.cleaner.io.buffer.load.factor", Type.DOUBLE, 0.9, null, Importance.MEDIUM,
                "Load factor of the deduplication buffer.");
        key("log.cleaner.io.max.bytes.per.second", Type.DOUBLE, Double.MAX_VALUE, null, Importance.MEDIUM,
                "Cleaner I/O throttle in bytes per second (reads plus writes).");
        key("log.cleaner.min.cleanable.ratio", Type.DOUBLE, 0.5, between(0, 1), Importance.MEDIUM,
                "Minimum dirty/total ratio for a log to be cleaned.");
        key("log.cleaner.min.compaction.lag.ms", Type.LONG, 0L, atLeast(0), Importance.MEDIUM,
                "Minimum milliseconds a record stays uncompacted.");
        key("log.cleaner.max.compaction.lag.ms", Type.LONG, Long.MAX_VALUE, atLeast(1), Importance.MEDIUM,
                "Maximum milliseconds a record may stay uncompacted.");
        key("log.cleaner.delete.retention.ms", Type.LONG, 24 * HOUR_MS, atLeast(0), Importance.MEDIUM,
                "Milliseconds tombstones are kept in compacted topics.");
    }

    private static void replication() {
        key("min.insync.replicas", Type.INT, 1, atLeast(1), Importance.HIGH,
                "Minimum ISR size for an acks=all produce to succeed.");
        key("unclean.leader.election.enable", Type.BOOLEAN, false, null, Importance.HIGH,
                "Allow a replica outside the ISR to become leader (data loss possible).");
        key("replica.lag.time.max.ms", Type.LONG, 30000L, atLeast(1), Importance.HIGH,
                "A follower not caught up with the leader for this many milliseconds leaves the ISR.");
        key("replica.fetch.backoff.ms", Type.INT, 1000, atLeast(0), Importance.MEDIUM,
                "Milliseconds a follower waits after a failed fetch.");
        key("replica.fetch.wait.max.ms", Type.INT, 500, atLeast(0), Importance.MEDIUM,
                "Max milliseconds a follower's fetch waits at the leader for data.");
        key("replica.fetch.min.bytes", Type.INT, 1, atLeast(1), Importance.MEDIUM,
                "Bytes a follower's fetch waits for at the leader.");
        key("replica.fetch.max.bytes", Type.INT, 1048576, atLeast(0), Importance.MEDIUM,
                "Bytes a follower fetches per partition (a larger first batch is still returned whole).");
        key("replica.fetch.response.max.bytes", Type.INT, 10485760, atLeast(0), Importance.MEDIUM,
                "Bytes a follower fetches per request.");
        key("replica.socket.timeout.ms", Type.INT, 30000, atLeast(1), Importance.MEDIUM,
                "Milliseconds a follower waits for the leader to answer before reconnecting.");
        key("replica.selector.class", Type.STRING, null, null, Importance.MEDIUM,
                "A Kafka ReplicaSelector (KIP-392) the leader uses to send consumers to a nearer in-sync replica, "
                        + "e.g. org.apache.kafka.common.replica.RackAwareReplicaSelector with client.rack and "
                        + "broker.rack. Default: none, consumers read from the leader.");
        key("leader.replication.throttled.rate", Type.LONG, Long.MAX_VALUE, atLeast(0), Importance.MEDIUM,
                "Bytes per second a leader sends to throttled replicas outside the ISR (KIP-73); also dynamic.");
        key("follower.replication.throttled.rate", Type.LONG, Long.MAX_VALUE, atLeast(0), Importance.MEDIUM,
                "Bytes per second a follower outside the ISR fetches for throttled partitions (KIP-73); also dynamic.");
        key("compression.type", Type.STRING, "producer",
                ValidString.in("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"), Importance.HIGH,
                "Compression of stored batches; producer keeps what the producer sent.");
        key("compression.gzip.level", Type.INT, -1, gzipLevel(), Importance.MEDIUM,
                "gzip level when compression.type is gzip.");
        key("compression.lz4.level", Type.INT, 9, between(1, 17), Importance.MEDIUM,
                "lz4 level when compression.type is lz4.");
        key("compression.zstd.level", Type.INT, 3, between(-131072, 22), Importance.MEDIUM,
                "zstd level when compression.type is zstd.");
    }

    private static void internalTopics() {
        key("offsets.topic.replication.factor", Type.SHORT, (short) 3, atLeast(1), Importance.HIGH,
                "Replication factor of __consumer_offsets. When not set: 3, or the number of "
                        + "controller.quorum.voters if smaller (so a single node works without settings).");
        key("offsets.topic.num.partitions", Type.INT, 50, atLeast(1), Importance.HIGH,
                "Partitions of __consumer_offsets.");
        key("offsets.topic.segment.bytes", Type.INT, 104857600, atLeast(1), Importance.HIGH,
                "Segment size of __consumer_offsets in bytes.");
        key("offsets.retention.minutes", Type.INT, 10080, atLeast(1), Importance.HIGH,
                "Committed offsets of an empty group are kept this many minutes.");
        key("offsets.retention.check.interval.ms", Type.LONG, 600000L, atLeast(1), Importance.HIGH,
                "How often, in milliseconds, the group coordinator looks for expired committed offsets.");
        key("offset.metadata.max.bytes", Type.INT, 4096, null, Importance.HIGH,
                "Largest metadata string, in bytes, an offset commit may carry.");
        key("transaction.state.log.replication.factor", Type.SHORT, (short) 3, atLeast(1), Importance.HIGH,
                "Replication factor of __transaction_state. When not set: 3, or the number of "
                        + "controller.quorum.voters if smaller (so a single node works without settings).");
        key("transaction.state.log.min.isr", Type.INT, 2, atLeast(1), Importance.HIGH,
                "min.insync.replicas of __transaction_state. When not set: 2, or its replication factor if smaller.");
        key("transaction.state.log.num.partitions", Type.INT, 50, atLeast(1), Importance.HIGH,
                "Partitions of __transaction_state.");
        key("transaction.state.log.segment.bytes", Type.INT, 104857600, atLeast(1), Importance.HIGH,
                "The transaction topic segment bytes should be kept relatively small in order to facilitate "
                        + "faster log compaction and cache loads.");
    }

    private static void groupsAndProducers() {
        key("group.initial.rebalance.delay.ms", Type.INT, 3000, null, Importance.MEDIUM,
                "Milliseconds the coordinator waits for more members before the first rebalance of a group.");
        key("group.min.session.timeout.ms", Type.INT, 6000, null, Importance.MEDIUM,
                "Smallest session timeout in milliseconds a classic group member may ask for.");
        key("group.max.session.timeout.ms", Type.INT, 1800000, null, Importance.MEDIUM,
                "Largest session timeout in milliseconds a classic group member may ask for.");
        key("group.max.size", Type.INT, Integer.MAX_VALUE, atLeast(1), Importance.MEDIUM,
                "Most members a classic group may have.");
        key("group.consumer.session.timeout.ms", Type.INT, 45000, atLeast(1), Importance.MEDIUM,
                "Milliseconds without a heartbeat after which a consumer group (KIP-848) member is fenced.");
        key("group.consumer.heartbeat.interval.ms", Type.INT, 5000, atLeast(1), Importance.MEDIUM,
                "Milliseconds between heartbeats of consumer group (KIP-848) members; below the session timeout.");
        key("group.consumer.min.session.timeout.ms", Type.INT, null, null, Importance.MEDIUM,
                "Lower bound of group.consumer.session.timeout.ms. Default: 45000, or the session timeout if lower.");
        key("group.consumer.max.session.timeout.ms", Type.INT, null, null, Importance.MEDIUM,
                "Upper bound of group.consumer.session.timeout.ms. Default: 60000, or the session timeout if higher.");
        key("group.consumer.max.size", Type.INT, Integer.MAX_VALUE, atLeast(1), Importance.MEDIUM,
                "Most members a consumer group (KIP-848) may have.");
        key("group.consumer.assignors", Type.LIST, "uniform,range", null, Importance.MEDIUM,
                "Server-side assignors of consumer groups (uniform, range, or Kafka's class names of them); "
                        + "the first is the default.");
        key("group.consumer.migration.policy", Type.STRING, "bidirectional",
                ConfigDef.CaseInsensitiveValidString.in("bidirectional", "upgrade", "downgrade", "disabled"),
                Importance.MEDIUM, "Online conversion of classic groups with members to consumer groups (upgrade: "
                        + "a member with group.protocol=consumer joins) and back (downgrade: the last such member "
                        + "leaves): bidirectional, upgrade, downgrade or disabled.");
        key("group.coordinator.threads", Type.INT, null, null, Importance.MEDIUM,
                "Threads of the group coordinator. Runnel default: min(4, available processors).");
        key("transaction.max.timeout.ms", Type.INT, 900000, atLeast(1), Importance.HIGH,
                "Largest transaction timeout in milliseconds a producer may ask for.");
        key("transactional.id.expiration.ms", Type.INT, 604800000, atLeast(1), Importance.HIGH,
                "Milliseconds without a transaction after which a transactional id expires.");
        key("transaction.abort.timed.out.transaction.cleanup.interval.ms", Type.INT, 10000, atLeast(1), Importance.LOW,
                "The interval at which to rollback transactions that have timed out.");
        key("transaction.remove.expired.transaction.cleanup.interval.ms", Type.INT, 3600000, atLeast(1), Importance.LOW,
                "The interval at which to remove transactions that have expired due to "
                        + "transactional.id.expiration.ms passing.");
        key("transaction.partition.verification.enable", Type.BOOLEAN, true, null, Importance.LOW,
                "Enable verification that checks that the partition has been added to the transaction before "
                        + "writing transactional records to the partition.");
        key("producer.id.expiration.ms", Type.INT, 86400000, atLeast(1), Importance.LOW,
                "Milliseconds without a write after which an idempotent producer's state is dropped.");
        key("producer.id.expiration.check.interval.ms", Type.INT, 600000, atLeast(1), Importance.LOW,
                "How often, in milliseconds, expired producer ids are removed.");
    }

    private static void shareCoordinator() {
        String unused = "Kafka's share-group coordinator setting; not used by Runnel.";
        key("share.coordinator.state.topic.replication.factor", Type.SHORT, (short) 3, atLeast(1), Importance.HIGH, unused);
        key("share.coordinator.state.topic.min.isr", Type.SHORT, (short) 2, atLeast(1), Importance.HIGH, unused);
        key("share.coordinator.state.topic.num.partitions", Type.INT, 50, atLeast(1), Importance.HIGH, unused);
        key("share.coordinator.state.topic.segment.bytes", Type.INT, 104857600, atLeast(1), Importance.HIGH, unused);
        key("share.coordinator.state.topic.compression.codec", Type.INT, 0, null, Importance.HIGH, unused);
        key("share.coordinator.state.topic.prune.interval.ms", Type.INT, 300000, atLeast(1), Importance.LOW, unused);
        key("share.coordinator.load.buffer.size", Type.INT, 5242880, atLeast(1), Importance.HIGH, unused);
        key("share.coordinator.write.timeout.ms", Type.INT, 5000, atLeast(1), Importance.HIGH, unused);
        key("share.coordinator.threads", Type.INT, 1, atLeast(1), Importance.MEDIUM, unused);
        key("share.coordinator.append.linger.ms", Type.INT, -1, atLeast(-1), Importance.MEDIUM, unused);
        key("share.coordinator.cached.buffer.max.bytes", Type.INT, 1048588, atLeast(524288), Importance.MEDIUM, unused);
        key("share.coordinator.cold.partition.snapshot.interval.ms", Type.INT, 300000, atLeast(1), Importance.LOW, unused);
        key("share.coordinator.snapshot.update.records.per.snapshot", Type.INT, 500, between(0, 500), Importance.MEDIUM, unused);
    }

    /** gzip levels are 1..9, or -1 for the codec's default. */
    private static Validator gzipLevel() {
        Validator levels = between(1, 9);
        return ConfigDef.LambdaValidator.with((name, value) -> {
            if (value != null && !Integer.valueOf(-1).equals(value)) {
                levels.ensureValid(name, value);
            }
        }, () -> "[1,...,9] or -1");
    }

    private static void key(String name, Type type, Object defaultValue, Validator validator,
                            Importance importance, String doc) {
        DEF.define(name, type, defaultValue, validator, importance, doc);
    }
}
