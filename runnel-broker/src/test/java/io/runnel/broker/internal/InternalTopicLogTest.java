package io.runnel.broker.internal;

import io.runnel.broker.purgatory.Purgatory;
import io.runnel.broker.replica.ReplicaManager;
import io.runnel.broker.replica.ReplicationSettings;
import io.runnel.coordinator.runtime.CoordinatorLog;
import io.runnel.coordinator.runtime.CoordinatorRecord;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import io.runnel.storage.LogConfig;
import io.runnel.storage.LogManager;
import io.runnel.storage.PartitionLog;
import io.runnel.storage.StorageSettings;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code __consumer_offsets} partition 0 on a real log, led by this broker alone: transactional
 * batches continue their producer's sequence across writes and epochs, markers go through the
 * partition, and a load hands back records with their producer ids and the markers in order.
 */
class InternalTopicLogTest {
    private static final int EPOCH = 3;
    private static final String TOPIC = Topic.GROUP_METADATA_TOPIC_NAME;

    @TempDir
    Path dir;

    private LogManager logs;
    private ReplicaManager replicas;
    private final Purgatory<TopicPartition> fetches = new Purgatory<>("fetch");
    private final Purgatory<TopicPartition> produces = new Purgatory<>("produce");
    private InternalTopicLog log;

    private void start() {
        LogConfig config = LogConfig.create(LogConfig.defaultsFromBroker(Map.of()), Map.of());
        logs = LogManager.start(List.of(dir), new StorageSettings(config, 300_000, Long.MAX_VALUE, 60_000,
                86_400_000, 600_000), Time.SYSTEM);
        replicas = new ReplicaManager(1, logs, Map.of(),
                new ReplicationSettings("REPLICATION", 30_000, 60_000, 200, 1, 1024 * 1024, 10 * 1024 * 1024, 5_000),
                request -> new CompletableFuture<>(), produces::checkAndComplete, Time.SYSTEM);
        TopicImage topic = new TopicImage(TOPIC, Uuid.fromString("AAAAAAAAAAAAAAAAAAAABA"),
                Map.of(0, new PartitionRegistration(List.of(1), List.of(1), 1, EPOCH, EPOCH)));
        replicas.onMetadataUpdate(MetadataImage.empty("c"), new MetadataImage("c", 10, Map.of(), Map.of(TOPIC, topic),
                Map.of(topic.id(), topic), Map.of(), 0));
        log = new InternalTopicLog(TOPIC, replicas, fetches, produces, Time.SYSTEM);
    }

    @AfterEach
    void close() {
        replicas.close();
        fetches.close();
        produces.close();
        logs.close();
    }

    @Test
    void transactionalWritesAndMarkersAreReadBackInOrderWithTheirProducers() throws Exception {
        start();
        committed(log.appendTransactional(0, EPOCH, 11, (short) 0, List.of(record(1), record(2))));
        committed(log.appendTransactional(0, EPOCH, 11, (short) 0, List.of(record(3)))); // sequence 2
        committed(log.append(0, EPOCH, List.of(record(4))));
        committed(log.appendMarker(0, EPOCH, 11, (short) 0, true, 7));
        committed(log.appendTransactional(0, EPOCH, 12, (short) 5, List.of(record(5))));
        committed(log.appendMarker(0, EPOCH, 12, (short) 5, false, 7));
        // Producer 11's next transaction in a bumped epoch (KIP-890) starts again at sequence 0.
        committed(log.appendTransactional(0, EPOCH, 11, (short) 1, List.of(record(6))));

        assertThat(load()).containsExactly("11:1", "11:2", "11:3", "-1:4", "commit 11", "12:5", "abort 12", "11:6");
        PartitionLog partitionLog = replicas.partition(new TopicPartition(TOPIC, 0)).orElseThrow().log();
        assertThat(partitionLog.hasOngoingTransaction(11)).isTrue();
        assertThat(partitionLog.lastStableOffset()).isLessThan(partitionLog.highWatermark());

        // A reload after a restart reads the same from disk.
        close();
        start();
        assertThat(load()).containsExactly("11:1", "11:2", "11:3", "-1:4", "commit 11", "12:5", "abort 12", "11:6");
    }

    @Test
    void staleProducerAndCoordinatorEpochsAreRefused() throws Exception {
        start();
        committed(log.appendTransactional(0, EPOCH, 11, (short) 2, List.of(record(1))));
        assertThatThrownBy(() -> log.appendTransactional(0, EPOCH, 11, (short) 1, List.of(record(2))))
                .isInstanceOf(InvalidProducerEpochException.class);
        committed(log.appendMarker(0, EPOCH, 11, (short) 2, true, 7));
        assertThatThrownBy(() -> log.appendMarker(0, EPOCH, 11, (short) 2, false, 6))
                .isInstanceOf(TransactionCoordinatorFencedException.class);
        assertThat(load()).containsExactly("11:1", "commit 11");
    }

    private List<String> load() {
        List<String> events = new ArrayList<>();
        log.readAll(0, new CoordinatorLog.LoadSink() {
            @Override
            public void record(long producerId, CoordinatorRecord record) {
                events.add(producerId + ":" + ByteBuffer.wrap(record.value()).getInt());
            }

            @Override
            public void endTransaction(long producerId, boolean commit) {
                events.add((commit ? "commit " : "abort ") + producerId);
            }
        });
        return events;
    }

    private static void committed(CoordinatorLog.Appended appended) throws Exception {
        appended.committed().get(5, TimeUnit.SECONDS);
    }

    private static CoordinatorRecord record(int value) {
        byte[] key = ByteBuffer.allocate(6).putShort((short) 1).putInt(value).array();
        return new CoordinatorRecord((short) 1, key, ByteBuffer.allocate(4).putInt(value).array());
    }
}
