package io.runnel.cli.transactions;

import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class HangingTransactionsTest {
    private static final long NOW = 1_000_000;
    private static final long MAX_TIMEOUT_MS = 60_000;
    private static final TopicPartition T0 = new TopicPartition("t", 0);
    private static final TopicPartition T1 = new TopicPartition("t", 1);

    @Test
    void candidatesAreOpenTransactionsOlderThanTheMaxTimeout() {
        ProducerState old = open(1, NOW - MAX_TIMEOUT_MS - 1, 10);
        ProducerState exactlyAtLimit = open(2, NOW - MAX_TIMEOUT_MS, 11);
        ProducerState closed = new ProducerState(3, 0, 4, NOW - 10 * MAX_TIMEOUT_MS, OptionalInt.of(0), OptionalLong.empty());

        List<OpenTransaction> candidates = HangingTransactions.candidates(
                Map.of(T0, List.of(old, exactlyAtLimit, closed)), NOW, MAX_TIMEOUT_MS);

        assertThat(candidates).singleElement().satisfies(c -> {
            assertThat(c.producer()).isEqualTo(old);
            assertThat(c.startOffset()).isEqualTo(10);
            assertThat(c.openMs(NOW)).isEqualTo(MAX_TIMEOUT_MS + 1);
        });
    }

    @Test
    void aProducerNoCoordinatorKnowsHangs() {
        List<OpenTransaction> candidates = HangingTransactions.candidates(
                Map.of(T0, List.of(open(7, 0, 3))), NOW, MAX_TIMEOUT_MS);

        assertThat(HangingTransactions.hanging(candidates, Map.of(), Map.of()))
                .extracting(OpenTransaction::reason).containsExactly(HangingReason.UNKNOWN_PRODUCER);
        assertThat(HangingTransactions.hanging(candidates, Map.of(7L, "gone"), Map.of()))
                .as("listed, but no longer described").extracting(OpenTransaction::reason)
                .containsExactly(HangingReason.UNKNOWN_PRODUCER);
    }

    @Test
    void aPartitionOutsideTheCoordinatorsTransactionHangsAndOneInsideDoesNot() {
        List<OpenTransaction> candidates = HangingTransactions.candidates(
                Map.of(T1, List.of(open(7, 0, 30)), T0, List.of(open(7, 0, 3))), NOW, MAX_TIMEOUT_MS);
        TransactionDescription ongoingInT0 = new TransactionDescription(1, TransactionState.ONGOING, 7, 0, 60_000,
                OptionalLong.of(0), Set.of(T0));

        List<OpenTransaction> hanging = HangingTransactions.hanging(candidates, Map.of(7L, "app"), Map.of("app", ongoingInT0));

        assertThat(hanging).singleElement().satisfies(h -> {
            assertThat(h.partition()).isEqualTo(T1);
            assertThat(h.reason()).isEqualTo(HangingReason.NOT_IN_TRANSACTION);
        });
    }

    @Test
    void hangingTransactionsComeInPartitionThenOffsetOrder() {
        List<OpenTransaction> candidates = HangingTransactions.candidates(Map.of(
                T1, List.of(open(1, 0, 5)),
                T0, List.of(open(2, 0, 9), open(3, 0, 4))), NOW, MAX_TIMEOUT_MS);

        assertThat(HangingTransactions.hanging(candidates, Map.of(), Map.of()))
                .extracting(t -> t.partition() + "@" + t.startOffset())
                .containsExactly("t-0@4", "t-0@9", "t-1@5");
    }

    private static ProducerState open(long producerId, long lastTimestamp, long startOffset) {
        return new ProducerState(producerId, 0, 4, lastTimestamp, OptionalInt.empty(), OptionalLong.of(startOffset));
    }
}
