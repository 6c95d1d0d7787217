package io.runnel.metadata.forwarding;

import io.runnel.metadata.BrokerHeartbeat;
import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.Images;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.QuorumSettings;
import io.runnel.metadata.controller.QuorumController;
import io.runnel.metadata.image.ImageBuilder;
import org.apache.kafka.common.errors.DuplicateBrokerRegistrationException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Routing and retries of controller calls, with the "remote" controller reached through an in-memory transport. */
class ForwardingControllerTest {
    private static final QuorumSettings SETTINGS = new QuorumSettings(0, Map.of(), Path.of("unused"), List.of(),
            1, (short) 1, Map.of(), 9000);

    private final AtomicReference<MetadataImage> committed = new AtomicReference<>(Images.withBrokers(0));
    /** The active controller, elsewhere; its log commits every batch at once. */
    private final QuorumController remote = new QuorumController(SETTINGS, records -> CompletableFuture.completedFuture(
            committed.updateAndGet(i -> ImageBuilder.apply(i, records, i.offset() + 1)).offset()),
            committed::get, new Random(0), Time.SYSTEM);
    private final ControllerCallHandler remoteHandler = new ControllerCallHandler(remote);
    /** This node's controller, never active. */
    private final QuorumController local = new QuorumController(SETTINGS, records -> CompletableFuture.failedFuture(
            new AssertionError("not active")), committed::get, new Random(0), Time.SYSTEM);
    private final AtomicInteger sent = new AtomicInteger();

    @AfterEach
    void close() {
        remote.close();
        local.close();
    }

    private ForwardingController forwarding(ControllerTransport transport, long timeoutMs) {
        return new ForwardingController(local, () -> false, call -> {
            sent.incrementAndGet();
            return transport.send(call);
        }, Time.SYSTEM, timeoutMs);
    }

    @Test
    void callsRunInProcessWhileTheLocalControllerIsActive() throws Exception {
        remote.becomeActive(-1);
        ForwardingController controller = new ForwardingController(remote, () -> true,
                call -> CompletableFuture.failedFuture(new AssertionError("must not forward")), Time.SYSTEM, 5000);
        assertThat(controller.allocateProducerIds(0, 10).get(5, TimeUnit.SECONDS)).isZero();
        assertThat(committed.get().nextProducerId()).isEqualTo(10);
    }

    @Test
    void callsReachTheActiveControllerElsewhere() throws Exception {
        remote.becomeActive(-1);
        ForwardingController controller = forwarding(remoteHandler::handle, 5000);
        BrokerRegistration broker = Images.broker(1);
        controller.registerBroker(broker, true).get(5, TimeUnit.SECONDS);
        assertThat(committed.get().brokers().get(1).incarnationId()).isEqualTo(broker.incarnationId());
        assertThat(controller.brokerHeartbeat(new BrokerHeartbeat(1, broker.incarnationId(), committed.get().offset(),
                false, false)).get(5, TimeUnit.SECONDS).fenced()).isFalse();

        CreateTopicsRequestData create = new CreateTopicsRequestData();
        create.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("t").setNumPartitions(2)
                .setReplicationFactor((short) 1));
        assertThat(controller.createTopics(create).get(5, TimeUnit.SECONDS).topics().find("t").numPartitions())
                .isEqualTo(2);
        assertThat(committed.get().topicsByName().get("t").partitions()).hasSize(2);
        assertThat(controller.allocateProducerIds(1, 1000).get(5, TimeUnit.SECONDS)).isZero();
        assertThat(controller.allocateProducerIds(1, 1000).get(5, TimeUnit.SECONDS)).isEqualTo(1000);

        BrokerRegistration other = Images.broker(1);
        assertThatThrownBy(() -> controller.registerBroker(other, true).get(5, TimeUnit.SECONDS))
                .as("not retried").hasCauseInstanceOf(DuplicateBrokerRegistrationException.class);
        assertThat(sent.get()).isEqualTo(6);
    }

    @Test
    void anIsrChangeIsForwardedWithItsPerPartitionAnswer() throws Exception {
        committed.set(Images.withTopic(Images.withBrokers(3), "a", 1, 3));
        remote.becomeActive(-1);
        AlterPartitionRequestData request = new AlterPartitionRequestData().setBrokerId(0).setBrokerEpoch(-1);
        request.topics().add(new AlterPartitionRequestData.TopicData()
                .setTopicId(committed.get().topicsByName().get("a").id())
                .setPartitions(List.of(new AlterPartitionRequestData.PartitionData().setPartitionIndex(0)
                        .setNewIsrWithEpochs(List.of(new AlterPartitionRequestData.BrokerState().setBrokerId(0))))));
        AlterPartitionResponseData.PartitionData answer = forwarding(remoteHandler::handle, 5000)
                .alterPartition(request).get(5, TimeUnit.SECONDS).topics().get(0).partitions().get(0);
        assertThat(answer.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(answer.isr()).containsExactly(0);
        assertThat(answer.partitionEpoch()).isEqualTo(1);
        assertThat(committed.get().topicsByName().get("a").partitions().get(0).isr()).containsExactly(0);
    }

    @Test
    void noActiveControllerIsRetriedUntilOneAnswers() throws Exception {
        AtomicInteger refusals = new AtomicInteger(3);
        ForwardingController controller = forwarding(call -> {
            if (refusals.getAndDecrement() > 0) {
                return CompletableFuture.completedFuture(remoteHandler.handle(call).join());
            }
            if (refusals.get() == -1) {
                remote.becomeActive(-1);
            }
            return remoteHandler.handle(call);
        }, 5000);
        assertThat(controller.allocateProducerIds(1, 10).get(5, TimeUnit.SECONDS)).isZero();
        assertThat(sent.get()).isEqualTo(4);
    }

    @Test
    void givesUpWithNotControllerAfterItsBound() {
        ForwardingController controller = forwarding(call -> CompletableFuture.failedFuture(
                new IOException("no leader")), 300);
        long start = System.nanoTime();
        assertThatThrownBy(() -> controller.allocateProducerIds(1, 10).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(NotControllerException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(200L, 5000L);
        assertThat(sent.get()).isBetween(2, 4);
    }

    @Test
    void anUndecodableCallIsRefusedNotRetried() {
        ForwardingController controller = forwarding(call -> remoteHandler.handle(ByteBuffer.wrap(new byte[]{1})), 5000);
        assertThatThrownBy(() -> controller.allocateProducerIds(1, 10).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(Errors.INVALID_REQUEST.exception().getClass());
        assertThat(sent.get()).isEqualTo(1);
    }

    @Test
    void aClosedControllerFailsAtOnce() {
        ForwardingController controller = forwarding(remoteHandler::handle, 5000);
        controller.close();
        assertThatThrownBy(() -> controller.allocateProducerIds(1, 10).get(1, TimeUnit.SECONDS))
                .hasCauseInstanceOf(NotControllerException.class);
        assertThat(sent.get()).isZero();
    }
}
