package io.runnel.broker.txn;

import io.runnel.metadata.MetadataImage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class BrokerMarkerWriterTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);

    private final AtomicReference<MetadataImage> image = new AtomicReference<>(TxnTestImages.withLeaders(Map.of("t", 1)));
    private final Queue<Errors> answers = new ConcurrentLinkedQueue<>();
    private final Queue<TopicPartition> written = new ConcurrentLinkedQueue<>();
    /** Broker 1 is this broker; other brokers have no address, so remote writes fail and are retried. */
    private final InterBrokerSender sender = new InterBrokerSender(1, id -> Optional.empty(), 1_000);
    private final BrokerMarkerWriter writer = new BrokerMarkerWriter(1, image::get, (tp, pid, epoch, commit, coordinatorEpoch) -> {
        written.add(tp);
        Errors next = answers.poll();
        return CompletableFuture.completedFuture(next == null ? Errors.NONE : next);
    }, sender);

    @AfterEach
    void close() {
        writer.close();
        sender.close();
    }

    @Test
    void aPartitionThisBrokerLeadsGetsItsMarkerDirectly() throws Exception {
        writer.writeMarkers(7, (short) 1, true, 3, List.of(TP)).get(5, TimeUnit.SECONDS);
        assertThat(written).containsExactly(TP);
    }

    @Test
    void partitionsOfDeletedTopicsCountAsDone() throws Exception {
        writer.writeMarkers(7, (short) 1, false, 3, List.of(new TopicPartition("gone", 0), new TopicPartition("t", 9)))
                .get(5, TimeUnit.SECONDS);
        assertThat(written).isEmpty();
    }

    @Test
    void retriableErrorsAreRetriedUntilTheMarkerIsWritten() throws Exception {
        answers.add(Errors.NOT_LEADER_OR_FOLLOWER);
        answers.add(Errors.NOT_ENOUGH_REPLICAS);
        writer.writeMarkers(7, (short) 1, true, 3, List.of(TP)).get(5, TimeUnit.SECONDS);
        assertThat(written).hasSize(3);
    }

    @Test
    void anUnreachableLeaderIsRetriedWithTheLeaderTheMetadataNamesLater() throws Exception {
        image.set(TxnTestImages.withLeaders(Map.of("t", 2)));
        CompletableFuture<Void> done = writer.writeMarkers(7, (short) 1, true, 3, List.of(TP));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !done.isDone());
        image.set(TxnTestImages.withLeaders(Map.of("t", 1)));
        done.get(5, TimeUnit.SECONDS);
        assertThat(written).containsExactly(TP);
    }

    @Test
    void aFencedCoordinatorEpochFailsTheWrite() {
        answers.add(Errors.TRANSACTION_COORDINATOR_FENCED);
        assertThatThrownBy(() -> writer.writeMarkers(7, (short) 1, true, 3, List.of(TP)).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TransactionCoordinatorFencedException.class);
    }
}
