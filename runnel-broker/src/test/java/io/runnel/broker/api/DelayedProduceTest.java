package io.runnel.broker.api;

import io.runnel.broker.purgatory.Purgatory;
import io.runnel.broker.replica.PartitionFixture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** An acks=all answer waits in the purgatory exactly until the high watermark passes the append. */
class DelayedProduceTest {
    @TempDir
    Path dir;
    private final Purgatory<TopicPartition> purgatory = new Purgatory<>("produce-test");
    private PartitionFixture fixture;

    @AfterEach
    void close() {
        purgatory.close();
        fixture.close();
    }

    private CompletableFuture<Void> park(PartitionProduceResponse out, long requiredOffset, long timeoutMs) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        purgatory.tryCompleteElseWatch(new DelayedProduce(timeoutMs, List.of(
                new DelayedProduce.Waiting(fixture.partition, requiredOffset, 0, out)), done), List.of(PartitionFixture.TP));
        return done;
    }

    @Test
    void completesWhenTheHighWatermarkPassesTheLastAppendedOffset() {
        fixture = new PartitionFixture(dir, List.of(1, 2), List.of(1, 2), 2);
        fixture.append(3);
        PartitionProduceResponse out = new PartitionProduceResponse().setBaseOffset(2);
        CompletableFuture<Void> done = park(out, 3, 60_000);
        assertThat(purgatory.watching(PartitionFixture.TP)).isEqualTo(1);

        fixture.partition.updateFollowerFetchState(2, 2);
        purgatory.checkAndComplete(PartitionFixture.TP);
        assertThat(done).as("high watermark 2 is below 3").isNotDone();

        fixture.partition.updateFollowerFetchState(2, 3);
        purgatory.checkAndComplete(PartitionFixture.TP);
        assertThat(done).isCompleted();
        assertThat(out.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(out.baseOffset()).isEqualTo(2);
        assertThat(purgatory.watching(PartitionFixture.TP)).isZero();
    }

    @Test
    void timesOutWithRequestTimedOut() {
        fixture = new PartitionFixture(dir, List.of(1, 2), List.of(1, 2), 2);
        fixture.append(1);
        PartitionProduceResponse out = new PartitionProduceResponse().setBaseOffset(0);
        CompletableFuture<Void> done = park(out, 1, 50);
        await().atMost(Duration.ofSeconds(5)).until(done::isDone);
        assertThat(out.errorCode()).isEqualTo(Errors.REQUEST_TIMED_OUT.code());
        assertThat(out.baseOffset()).isEqualTo(-1);
    }

    @Test
    void aLeaderAloneInItsIsrAnswersAtOnce() {
        fixture = new PartitionFixture(dir, List.of(1), List.of(1), 1);
        fixture.append(1);
        PartitionProduceResponse out = new PartitionProduceResponse();
        assertThat(park(out, 1, 60_000)).isCompleted();
        assertThat(purgatory.watching(PartitionFixture.TP)).isZero();
    }
}
