package io.runnel.broker.lifecycle;

import io.runnel.broker.replica.FailedReplicas;
import io.runnel.metadata.BrokerHeartbeat;
import io.runnel.metadata.BrokerHeartbeatReply;
import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.StartupException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.DuplicateBrokerRegistrationException;
import org.apache.kafka.common.errors.InconsistentClusterIdException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class BrokerLifecycleTest {
    private static final BrokerRegistration BROKER = new BrokerRegistration(1, Uuid.randomUuid(), List.of(), null, false);

    /** A controller that refuses the first registration and keeps the broker fenced for two heartbeats. Thread-safe. */
    private static final class ScriptedController implements ControllerChannel {
        final AtomicInteger registrations = new AtomicInteger();
        final Queue<BrokerHeartbeat> heartbeats = new ConcurrentLinkedQueue<>();

        @Override
        public CompletableFuture<Void> register(BrokerRegistration registration) {
            if (registrations.incrementAndGet() == 1) {
                return CompletableFuture.failedFuture(new DuplicateBrokerRegistrationException("previous one alive"));
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<BrokerHeartbeatReply> heartbeat(BrokerHeartbeat heartbeat) {
            heartbeats.add(heartbeat);
            boolean fenced = heartbeat.wantShutDown() || heartbeats.size() <= 2;
            return CompletableFuture.completedFuture(new BrokerHeartbeatReply(Errors.NONE, fenced,
                    heartbeat.wantShutDown()));
        }
    }

    @Test
    void registersHeartbeatsUntilUnfencedAndAsksToBeFencedOnClose() throws Exception {
        ScriptedController controller = new ScriptedController();
        BrokerLifecycle lifecycle = new BrokerLifecycle(controller, BROKER, () -> 42, new FailedReplicas(), 20, 60_000);
        try {
            lifecycle.start().get(5, TimeUnit.SECONDS);
            assertThat(controller.registrations).hasValue(2);
            assertThat(controller.heartbeats).as("two fenced answers, then unfenced").hasSizeGreaterThanOrEqualTo(3)
                    .allSatisfy(h -> {
                        assertThat(h.incarnationId()).isEqualTo(BROKER.incarnationId());
                        assertThat(h.metadataOffset()).isEqualTo(42);
                        assertThat(h.wantShutDown()).isFalse();
                    });
            await().atMost(5, TimeUnit.SECONDS).until(() -> controller.heartbeats.size() >= 5);
        } finally {
            lifecycle.close();
        }
        int sent = controller.heartbeats.size();
        assertThat(List.copyOf(controller.heartbeats).get(sent - 1).wantShutDown()).isTrue();
        assertThat(controller.heartbeats).filteredOn(BrokerHeartbeat::wantShutDown).hasSize(1);
    }

    @Test
    void aFailedReplicaIsReportedUntilAHeartbeatCarryingItIsAnswered() throws Exception {
        ScriptedController controller = new ScriptedController();
        FailedReplicas failed = new FailedReplicas();
        Uuid topicId = Uuid.randomUuid();
        failed.add(topicId, 3);
        try (BrokerLifecycle lifecycle = new BrokerLifecycle(controller, BROKER, () -> 0, failed, 20, 60_000)) {
            lifecycle.start().get(5, TimeUnit.SECONDS);
            await().atMost(5, TimeUnit.SECONDS).until(() -> controller.heartbeats.size() >= 3);
        }
        List<BrokerHeartbeat> sent = List.copyOf(controller.heartbeats);
        assertThat(sent.get(0).failedReplicas()).containsExactly(new TopicIdPartition(topicId, 3, null));
        assertThat(sent.subList(1, sent.size())).as("answered, so not reported again")
                .allSatisfy(h -> assertThat(h.failedReplicas()).isEmpty());
        assertThat(failed.pending()).isEmpty();
    }

    @Test
    void aStaleHeartbeatRegistersAgain() throws Exception {
        AtomicInteger registrations = new AtomicInteger();
        AtomicInteger heartbeats = new AtomicInteger();
        ControllerChannel controller = new ControllerChannel() {
            @Override
            public CompletableFuture<Void> register(BrokerRegistration registration) {
                registrations.incrementAndGet();
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletableFuture<BrokerHeartbeatReply> heartbeat(BrokerHeartbeat heartbeat) {
                Errors error = heartbeats.incrementAndGet() == 1 ? Errors.STALE_BROKER_EPOCH : Errors.NONE;
                return CompletableFuture.completedFuture(new BrokerHeartbeatReply(error, error != Errors.NONE, false));
            }
        };
        try (BrokerLifecycle lifecycle = new BrokerLifecycle(controller, BROKER, () -> 0, new FailedReplicas(), 20, 60_000)) {
            lifecycle.start().get(5, TimeUnit.SECONDS);
            assertThat(registrations).hasValue(2);
        }
    }

    @Test
    void aNodeIdHeldByAnotherLiveProcessStopsTheStartWithOneLine() {
        AtomicInteger registrations = new AtomicInteger();
        ControllerChannel controller = refusingRegistrations(registrations,
                () -> new DuplicateBrokerRegistrationException("live"));
        try (BrokerLifecycle lifecycle = new BrokerLifecycle(controller, BROKER, () -> 0, new FailedReplicas(), 20, 200)) {
            assertThatThrownBy(() -> lifecycle.start().get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(StartupException.class)
                    .cause().hasMessage("node.id 1 is in use by another running broker (still registered after 200 ms"
                            + " of retries); give this node a node.id of its own");
            assertThat(registrations.get()).as("retried meanwhile").isGreaterThan(1);
        }
    }

    @Test
    void votersOfAnotherClusterStopTheStartWithOneLine() {
        ControllerChannel controller = refusingRegistrations(new AtomicInteger(),
                () -> new CompletionException(new InconsistentClusterIdException("another cluster")));
        try (BrokerLifecycle lifecycle = new BrokerLifecycle(controller, BROKER, () -> 0, new FailedReplicas(), 20, 200)) {
            assertThatThrownBy(() -> lifecycle.start().get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(StartupException.class)
                    .cause().hasMessageStartingWith("the voters in controller.quorum.voters belong to another cluster");
        }
    }

    /** A controller that refuses every registration with {@code error}, counting them. */
    private static ControllerChannel refusingRegistrations(AtomicInteger registrations, Supplier<Throwable> error) {
        return new ControllerChannel() {
            @Override
            public CompletableFuture<Void> register(BrokerRegistration registration) {
                registrations.incrementAndGet();
                return CompletableFuture.failedFuture(error.get());
            }

            @Override
            public CompletableFuture<BrokerHeartbeatReply> heartbeat(BrokerHeartbeat heartbeat) {
                throw new AssertionError("never registered");
            }
        };
    }
}
