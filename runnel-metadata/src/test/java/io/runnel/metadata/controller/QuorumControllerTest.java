package io.runnel.metadata.controller;

import io.runnel.metadata.Images;
import io.runnel.metadata.QuorumSettings;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class QuorumControllerTest {
    private static final QuorumSettings SETTINGS = new QuorumSettings(0, Map.of(), Path.of("unused"), List.of(),
            1, (short) 1, Map.of(), 9000);

    private FakeLog log;
    private QuorumController controller;

    private void start(boolean autoCommit) {
        log = new FakeLog(Images.withTopic(Images.withBrokers(1), "a", 1, 1), autoCommit);
        controller = new QuorumController(SETTINGS, log, log::committed, new Random(0), Time.SYSTEM);
    }

    @AfterEach
    void close() {
        controller.close();
    }

    @Test
    void anInactiveControllerRefusesWrites() {
        start(true);
        assertThatThrownBy(() -> controller.allocateProducerIds(0, 10).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(NotControllerException.class);
        controller.becomeActive(-1);
        controller.becomeInactive();
        assertThatThrownBy(() -> controller.registerBroker(Images.broker(3), true).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(NotControllerException.class);
    }

    @Test
    void producerIdBlocksFollowEachOther() throws Exception {
        start(true);
        controller.becomeActive(-1);
        assertThat(controller.allocateProducerIds(0, 1000).get(5, TimeUnit.SECONDS)).isZero();
        assertThat(controller.allocateProducerIds(1, 1000).get(5, TimeUnit.SECONDS)).isEqualTo(1000);
        assertThat(log.committed().nextProducerId()).isEqualTo(2000);
    }

    @Test
    void requestsSeeEarlierUncommittedWrites() throws Exception {
        start(false);
        controller.becomeActive(-1);
        CompletableFuture<Long> first = controller.allocateProducerIds(0, 100);
        CompletableFuture<Long> second = controller.allocateProducerIds(0, 100);
        await().atMost(5, TimeUnit.SECONDS).until(() -> log.pendingCount() == 2);
        assertThat(first).isNotDone();
        log.commitAll();
        assertThat(first.get(5, TimeUnit.SECONDS)).isZero();
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(100);
    }

    @Test
    void aResultWithoutRecordsWaitsForEarlierWrites() throws Exception {
        start(false);
        controller.becomeActive(-1);
        CompletableFuture<Long> write = controller.allocateProducerIds(0, 100);
        CreatePartitionsRequestData request = new CreatePartitionsRequestData();
        request.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName("nope").setCount(2));
        CompletableFuture<CreatePartitionsResponseData> read = controller.createPartitions(request);
        await().atMost(5, TimeUnit.SECONDS).until(() -> log.pendingCount() == 1);
        assertThat(read).isNotDone();
        log.commitAll();
        write.get(5, TimeUnit.SECONDS);
        assertThat(read.get(5, TimeUnit.SECONDS).results().get(0).errorCode())
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    @Test
    void closingFailsQueuedAndLaterCalls() {
        start(false);
        controller.becomeActive(-1);
        controller.close();
        assertThatThrownBy(() -> controller.allocateProducerIds(0, 1).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(NotControllerException.class);
    }

    @Test
    void aFailedWriteIsForgotten() throws Exception {
        start(false);
        controller.becomeActive(-1);
        CompletableFuture<Long> lost = controller.allocateProducerIds(0, 100);
        await().atMost(5, TimeUnit.SECONDS).until(() -> log.pendingCount() == 1);
        log.failAll(new RuntimeException("leader stepped down"));
        assertThatThrownBy(() -> lost.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(NotControllerException.class);

        CompletableFuture<Long> next = controller.allocateProducerIds(0, 100);
        await().atMost(5, TimeUnit.SECONDS).until(() -> log.pendingCount() == 1);
        log.commitAll();
        assertThat(next.get(5, TimeUnit.SECONDS)).isZero();
    }
}
