package io.runnel.broker.config;

import io.runnel.broker.replica.ReplicationSettings;
import io.runnel.storage.CleanerSettings;
import io.runnel.broker.config.BrokerConfig.Listener;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BrokerConfigTest {

    @Test
    void defaultsStartOneCombinedNode() {
        BrokerConfig config = BrokerConfig.parse(Map.of());

        assertThat(config.nodeId()).isEqualTo(1);
        assertThat(config.processRoles()).isEqualTo(ProcessRoles.COMBINED);
        assertThat(config.listeners()).containsExactly(
                new Listener("PLAINTEXT", "", 9092, "PLAINTEXT"),
                new Listener("CONTROLLER", "", 9093, "PLAINTEXT"));
        assertThat(config.advertisedListeners()).containsExactly(new Listener("PLAINTEXT", "localhost", 9092, "PLAINTEXT"));
        assertThat(config.controllerListenerNames()).containsExactly("CONTROLLER");
        assertThat(config.interBrokerListenerName()).isEqualTo("PLAINTEXT");
        assertThat(config.quorumVoters()).containsExactly(Map.entry(1, InetSocketAddress.createUnresolved("localhost", 9093)));
        assertThat(config.logDirs()).containsExactly(Path.of("./data"));
        assertThat(config.metadataLogDir()).isEqualTo(Path.of("./data"));
        assertThat(config.numPartitions()).isEqualTo(1);
        assertThat(config.defaultReplicationFactor()).isEqualTo((short) 1);
        assertThat(config.offsetsTopicReplicationFactor()).isEqualTo((short) 1);
        assertThat(config.offsetsTopicNumPartitions()).isEqualTo(50);
        assertThat(config.transactionStateLogReplicationFactor()).isEqualTo((short) 1);
        assertThat(config.transactionStateLogMinIsr()).isEqualTo(1);
        assertThat(config.groupInitialRebalanceDelayMs()).isEqualTo(3000);
        assertThat(config.messageMaxBytes()).isEqualTo(1048588);
        assertThat(config.socketRequestMaxBytes()).isEqualTo(104857600);
        assertThat(config.numNetworkThreads()).isEqualTo(3);
        assertThat(config.numIoThreads()).isEqualTo(8);
        assertThat(config.producerIdExpirationMs()).isEqualTo(86_400_000L);
        assertThat(config.producerIdExpirationCheckIntervalMs()).isEqualTo(600_000L);
        assertThat(config.logRetentionCheckIntervalMs()).isEqualTo(300_000L);
        assertThat(config.logFlushSchedulerIntervalMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.logFlushOffsetCheckpointIntervalMs()).isEqualTo(60_000L);
        assertThat(config.connectionsMaxIdleMs()).isEqualTo(600_000L);
        assertThat(config.socketSendBufferBytes()).isEqualTo(102400);
        assertThat(config.socketReceiveBufferBytes()).isEqualTo(102400);
        assertThat(config.transactionMaxTimeoutMs()).isEqualTo(900_000);
        assertThat(config.autoCreateTopicsEnable()).isTrue();
        assertThat(config.deleteTopicEnable()).isTrue();
        assertThat(config.rack()).isNull();
        assertThat(config.explicitlySet()).isEmpty();
        assertThat(config.ignoredKeys()).isEmpty();
    }

    @Test
    void valuesHoldEveryDefinedKeyWithKafkaTypes() {
        Map<String, Object> values = BrokerConfig.parse(Map.of()).values();

        assertThat(values.keySet()).containsAll(BrokerConfigDef.DEF.names());
        assertThat(values).containsEntry("log.segment.bytes", 1073741824)
                .containsEntry("log.retention.hours", 168)
                .containsEntry("log.retention.ms", null)
                .containsEntry("log.cleanup.policy", List.of("delete"))
                .containsEntry("log.dirs", List.of("./data"))
                .containsEntry("compression.type", "producer");
    }

    @Test
    void logCleanerKeysReachTheStorageSettings() {
        assertThat(BrokerConfig.parse(Map.of()).cleanerSettings()).isEqualTo(CleanerSettings.DEFAULTS);
        CleanerSettings custom = BrokerConfig.parse(Map.of("log.cleaner.enable", "false", "log.cleaner.threads", "2",
                "log.cleaner.backoff.ms", "100", "log.cleaner.dedupe.buffer.size", "1048576",
                "log.cleaner.io.buffer.size", "65536", "log.cleaner.io.max.bytes.per.second", "1000000")).cleanerSettings();
        assertThat(custom).isEqualTo(new CleanerSettings(false, 2, 100, 1 << 20, 1 << 16, 1_000_000));
    }

    @Test
    void replicaKeysReachTheReplicationSettings() {
        assertThat(BrokerConfig.parse(Map.of()).replicationSettings()).isEqualTo(ReplicationSettings.defaults());
        ReplicationSettings custom = BrokerConfig.parse(Map.of("replica.lag.time.max.ms", "10000",
                "replica.fetch.backoff.ms", "200", "replica.fetch.wait.max.ms", "100", "replica.fetch.min.bytes", "10",
                "replica.fetch.max.bytes", "2048", "replica.fetch.response.max.bytes", "4096",
                "replica.socket.timeout.ms", "5000")).replicationSettings();
        assertThat(custom).isEqualTo(new ReplicationSettings("PLAINTEXT", 10_000, 200, 100, 10, 2048, 4096, 5_000));
    }

    @Test
    void kafkaShippedServerPropertiesLoadsUnchanged() throws URISyntaxException {
        BrokerConfig config = BrokerConfig.load(Optional.of(kafkaServerProperties()), Map.of());

        assertThat(config.nodeId()).isEqualTo(1);
        assertThat(config.logDirs()).containsExactly(Path.of("/tmp/kraft-combined-logs"));
        assertThat(config.advertisedListeners()).containsExactly(new Listener("PLAINTEXT", "localhost", 9092, "PLAINTEXT"));
        assertThat(config.values()).containsEntry("log.retention.hours", 168)
                .containsEntry("offsets.topic.replication.factor", (short) 1);
        assertThat(config.ignoredKeys()).containsExactly(
                "num.recovery.threads.per.data.dir",
                "share.coordinator.state.topic.min.isr",
                "share.coordinator.state.topic.replication.factor");
    }

    @Test
    void kafkaDynamicQuorumFileLoadsWithRunnelsDefaultVoters() throws Exception {
        Map<String, String> props = new HashMap<>();
        Properties file = new Properties();
        try (var in = Files.newBufferedReader(kafkaServerProperties())) {
            file.load(in);
        }
        file.stringPropertyNames().forEach(k -> props.put(k, file.getProperty(k)));
        props.remove("controller.quorum.voters");
        props.put("controller.quorum.bootstrap.servers", "localhost:9093");

        BrokerConfig config = BrokerConfig.parse(props);

        assertThat(config.quorumVoters()).containsExactly(Map.entry(1, InetSocketAddress.createUnresolved("localhost", 9093)));
        assertThat(config.ignoredKeys()).contains("controller.quorum.bootstrap.servers");
    }

    @Test
    void overridesWinOverTheFile() throws URISyntaxException {
        BrokerConfig config = BrokerConfig.load(Optional.of(kafkaServerProperties()),
                Map.of("num.partitions", "3", "log.dirs", "/srv/a,/srv/b"));

        assertThat(config.numPartitions()).isEqualTo(3);
        assertThat(config.logDirs()).containsExactly(Path.of("/srv/a"), Path.of("/srv/b"));
        assertThat(config.metadataLogDir()).isEqualTo(Path.of("/srv/a"));
        assertThat(config.explicitlySet()).containsEntry("num.partitions", "3");
    }

    @Test
    void unreadableFileNamesTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope.properties");

        assertThatThrownBy(() -> BrokerConfig.load(Optional.of(missing), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void fileWithMalformedEscapeIsAConfigError(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("bad.properties"), "node.id=\\u12\n");

        assertThatThrownBy(() -> BrokerConfig.load(Optional.of(file), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "node.id | -1 | node.id",
        "node.id | abc | node.id",
        "num.io.threads | 0 | num.io.threads",
        "num.partitions | 0 | num.partitions",
        "message.max.bytes | -5 | message.max.bytes",
        "log.segment.bytes | 100 | log.segment.bytes",
        "log.retention.ms | soon | log.retention.ms",
        "log.message.timestamp.type | WallClock | log.message.timestamp.type",
        "log.cleanup.policy | shred | log.cleanup.policy",
        "log.cleaner.min.cleanable.ratio | 2 | log.cleaner.min.cleanable.ratio",
        "compression.type | brotli | compression.type",
        "compression.gzip.level | 0 | compression.gzip.level",
        "auto.create.topics.enable | maybe | auto.create.topics.enable",
        "process.roles | broker | a broker-only node must not be a voter",
        "process.roles | controller | process.roles",
        "process.roles | broker,router | process.roles",
        "listeners | PLAINTEXT:9092 | listeners",
        "listeners | PLAINTEXT://:70000,CONTROLLER://:9093 | listeners",
        "listeners | PLAINTEXT://:9092,PLAINTEXT://:9094,CONTROLLER://:9093 | listeners",
        "listeners | CONTROLLER://:9093 | listeners",
        "listeners | EXTERNAL://:9092,CONTROLLER://:9093 | listener.security.protocol.map",
        "listener.security.protocol.map | PLAINTEXT:SSL,CONTROLLER:PLAINTEXT | uses SSL, which Runnel does not support yet",
        "listener.security.protocol.map | PLAINTEXT:QUIC | listener.security.protocol.map",
        "controller.listener.names | RAFT | controller.listener.names",
        "controller.quorum.voters | 2@localhost:9093 | controller.quorum.voters",
        "controller.quorum.voters | localhost:9093 | controller.quorum.voters",
        "controller.quorum.voters | 1@localhost:9093,1@otherhost:9093 | controller.quorum.voters",
        "advertised.listeners | PLAINTEXT://0.0.0.0:9092 | advertised.listeners",
        "advertised.listeners | OTHER://host:9092 | advertised.listeners",
        "inter.broker.listener.name | CONTROLLER | inter.broker.listener.name",
        "inter.broker.listener.name | INTERNAL | inter.broker.listener.name",
        "log.dirs | '' | log.dirs",
    })
    void badValueGivesOneLineNamingTheKey(String key, String value, String expected) {
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of(key, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(expected)
                .hasMessageContaining(value.isEmpty() ? key : firstWord(value))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    private static String firstWord(String value) {
        return value.split("[,:]")[0];
    }

    @Test
    void unknownAndUnusedKeysAreIgnoredNotFatal() {
        BrokerConfig config = BrokerConfig.parse(Map.of(
                "zookeeper.connect", "localhost:2181",
                "my.own.key", "x",
                "controller.quorum.bootstrap.servers", "localhost:9093",
                "num.partitions", "2"));

        assertThat(config.ignoredKeys()).containsExactly(
                "controller.quorum.bootstrap.servers", "my.own.key", "zookeeper.connect");
        assertThat(config.explicitlySet()).containsOnlyKeys(
                "zookeeper.connect", "my.own.key", "controller.quorum.bootstrap.servers", "num.partitions");
    }

    @Test
    void retentionKeysAreDefinedRaw() {
        Map<String, Object> values = BrokerConfig.parse(Map.of(
                "log.retention.ms", "1000", "log.retention.minutes", "5", "log.retention.hours", "2")).values();

        assertThat(values).containsEntry("log.retention.ms", 1000L)
                .containsEntry("log.retention.minutes", 5)
                .containsEntry("log.retention.hours", 2)
                .containsEntry("log.retention.bytes", -1L);
    }

    @Test
    void logDirFallsBackWhenLogDirsIsNotSet() {
        BrokerConfig config = BrokerConfig.parse(Map.of("log.dir", "/var/runnel", "metadata.log.dir", "/var/meta"));

        assertThat(config.logDirs()).containsExactly(Path.of("/var/runnel"));
        assertThat(config.metadataLogDir()).isEqualTo(Path.of("/var/meta"));
        assertThat(config.values()).containsEntry("log.dirs", List.of("/var/runnel"));
    }

    @Test
    void offsetsTopicReplicationDefaultsToThreeCappedByTheVoters() {
        String threeVoters = "1@localhost:9093,2@localhost:9095,3@localhost:9097";
        assertThat(BrokerConfig.parse(Map.of()).offsetsTopicReplicationFactor()).isEqualTo((short) 1);
        assertThat(BrokerConfig.parse(Map.of("controller.quorum.voters", threeVoters)).offsetsTopicReplicationFactor())
                .isEqualTo((short) 3);
        assertThat(BrokerConfig.parse(Map.of("controller.quorum.voters", threeVoters,
                "offsets.topic.replication.factor", "2")).offsetsTopicReplicationFactor()).isEqualTo((short) 2);
    }

    @Test
    void transactionStateLogDefaultsToKafkasCappedByTheVoters() {
        String threeVoters = "1@localhost:9093,2@localhost:9095,3@localhost:9097";
        BrokerConfig single = BrokerConfig.parse(Map.of());
        assertThat(List.of((int) single.transactionStateLogReplicationFactor(), single.transactionStateLogMinIsr()))
                .containsExactly(1, 1);
        BrokerConfig cluster = BrokerConfig.parse(Map.of("controller.quorum.voters", threeVoters));
        assertThat(List.of((int) cluster.transactionStateLogReplicationFactor(), cluster.transactionStateLogMinIsr()))
                .containsExactly(3, 2);
        BrokerConfig explicit = BrokerConfig.parse(Map.of("controller.quorum.voters", threeVoters,
                "transaction.state.log.replication.factor", "1", "transaction.state.log.min.isr", "1"));
        assertThat(List.of((int) explicit.transactionStateLogReplicationFactor(), explicit.transactionStateLogMinIsr()))
                .containsExactly(1, 1);
    }

    @Test
    void listenerNamesAreCaseInsensitiveAndHostsMayBeIpv6() {
        BrokerConfig config = BrokerConfig.parse(Map.of(
                "listeners", "plaintext://[::1]:0,controller://127.0.0.1:9093",
                "advertised.listeners", "PLAINTEXT://:19092"));

        assertThat(config.listeners()).containsExactly(
                new Listener("PLAINTEXT", "::1", 0, "PLAINTEXT"),
                new Listener("CONTROLLER", "127.0.0.1", 9093, "PLAINTEXT"));
        assertThat(config.advertisedListeners()).containsExactly(new Listener("PLAINTEXT", "localhost", 19092, "PLAINTEXT"));
    }

    @Test
    void namedListenersMapToPlaintext() {
        BrokerConfig config = BrokerConfig.parse(Map.of(
                "listeners", "INTERNAL://:9092,EXTERNAL://:9094,RAFT://:9093",
                "listener.security.protocol.map", "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,RAFT:PLAINTEXT",
                "controller.listener.names", "RAFT",
                "inter.broker.listener.name", "INTERNAL",
                "broker.rack", "rack-a"));

        assertThat(config.interBrokerListenerName()).isEqualTo("INTERNAL");
        assertThat(config.replicationSettings().interBrokerListenerName()).isEqualTo("INTERNAL");
        assertThat(config.advertisedListeners()).extracting(Listener::name).containsExactly("INTERNAL", "EXTERNAL");
        assertThat(config.rack()).isEqualTo("rack-a");
    }

    @Test
    void otherNodeOfAThreeVoterQuorum() {
        BrokerConfig config = BrokerConfig.parse(Map.of(
                "node.id", "3",
                "controller.quorum.voters", "1@a:9093,2@b:9093,3@c:9093"));

        assertThat(config.quorumVoters().keySet()).containsExactly(1, 2, 3);
        assertThat(config.quorumVoters().get(3)).isEqualTo(InetSocketAddress.createUnresolved("c", 9093));
        assertThat(config.processRoles()).isEqualTo(ProcessRoles.COMBINED);
        assertThat(config.raftListenerAddress()).isEqualTo(InetSocketAddress.createUnresolved("c", 9093));
    }

    @Test
    void brokerOnlyNodeFollowsTheQuorumOnItsControllerListener() {
        BrokerConfig config = BrokerConfig.parse(Map.of(
                "process.roles", "broker",
                "node.id", "4",
                "controller.quorum.voters", "1@a:9093,2@b:9093,3@c:9093",
                "listeners", "PLAINTEXT://d:9092,CONTROLLER://d:9093"));

        assertThat(config.processRoles()).isEqualTo(ProcessRoles.BROKER);
        assertThat(config.processRoles().isController()).isFalse();
        assertThat(config.raftListenerAddress()).isEqualTo(InetSocketAddress.createUnresolved("d", 9093));
        assertThat(config.advertisedListeners()).extracting(Listener::name).containsExactly("PLAINTEXT");
    }

    @ParameterizedTest(name = "listeners={0}")
    @CsvSource(delimiter = '|', value = {
        "PLAINTEXT://d:9092 | needs a controller listener (CONTROLLER) in listeners",
        "PLAINTEXT://d:9092,CONTROLLER://:9093 | needs a host and port the controllers can reach",
        "PLAINTEXT://d:9092,CONTROLLER://0.0.0.0:9093 | needs a host and port the controllers can reach",
        "CONTROLLER://d:9093 | no listener for clients",
    })
    void brokerOnlyNodeNeedsAReachableControllerListener(String listeners, String expected) {
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("process.roles", "broker", "node.id", "4",
                "controller.quorum.voters", "1@a:9093", "listeners", listeners)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void controllerOnlyNodeHasNoClientListener() {
        BrokerConfig config = BrokerConfig.parse(Map.of(
                "process.roles", "controller",
                "node.id", "2",
                "controller.quorum.voters", "1@a:9093,2@b:9093,3@c:9093",
                "listeners", "CONTROLLER://b:9093"));

        assertThat(config.processRoles()).isEqualTo(ProcessRoles.CONTROLLER);
        assertThat(config.processRoles().isBroker()).isFalse();
        assertThat(config.advertisedListeners()).isEmpty();
        assertThat(config.interBrokerListenerName()).isNull();
        assertThat(config.raftListenerAddress()).isEqualTo(InetSocketAddress.createUnresolved("b", 9093));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "node.id=4 | node.id 4 is not a voter, but process.roles includes controller",
        "listeners=PLAINTEXT://b:9092,CONTROLLER://b:9093 | listens only on controller listeners",
        "controller.listener.names= | at least one controller listener is needed",
        "controller.listener.names=RAFT | listener RAFT is not in listeners",
    })
    void controllerOnlyNodeFollowsKafkasRules(String override, String expected) {
        Map<String, String> props = new HashMap<>(Map.of("process.roles", "controller", "node.id", "2",
                "controller.quorum.voters", "1@a:9093,2@b:9093", "listeners", "CONTROLLER://b:9093",
                "listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"));
        String[] keyValue = override.split("=", 2);
        props.put(keyValue[0], keyValue[1]);
        assertThatThrownBy(() -> BrokerConfig.parse(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(expected);
    }

    private static Path kafkaServerProperties() throws URISyntaxException {
        return Path.of(BrokerConfigTest.class.getResource("/kafka-4.4-server.properties").toURI());
    }
}
