package io.runnel.coordinator.txn;

import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.runnel.coordinator.txn.CoordinatorFixture.get;
import static org.assertj.core.api.Assertions.assertThat;

/** ListTransactions' filters: states, producer ids, duration (KIP-994), transactional id pattern (KIP-1152). */
class ListTransactionsTest {
    private final CoordinatorFixture f = new CoordinatorFixture();

    @BeforeEach
    void start() {
        f.elect(0);
        f.init("a-empty");
        f.init("b-old");
        f.add("b-old", 1001, (short) 0, "t-0");
        f.time.advance(5_000);
        f.init("c-new");
        f.add("c-new", 1002, (short) 0, "t-0");
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void withoutFiltersEveryTransactionIsListed() {
        ListTransactionsResponseData listed = list(new ListTransactionsRequestData());
        assertThat(listed.errorCode()).isZero();
        assertThat(listed.transactionStates()).extracting(t -> t.transactionalId() + "/" + t.producerId() + "/"
                + t.transactionState()).containsExactlyInAnyOrder("a-empty/1000/Empty", "b-old/1001/Ongoing",
                "c-new/1002/Ongoing");
    }

    @Test
    void filtersCombine() {
        assertThat(ids(new ListTransactionsRequestData().setStateFilters(List.of("Ongoing"))))
                .containsExactlyInAnyOrder("b-old", "c-new");
        assertThat(ids(new ListTransactionsRequestData().setProducerIdFilters(List.of(1000L, 1002L))))
                .containsExactlyInAnyOrder("a-empty", "c-new");
        assertThat(ids(new ListTransactionsRequestData().setStateFilters(List.of("Ongoing")).setDurationFilter(4_000)))
                .containsExactly("b-old");
        assertThat(ids(new ListTransactionsRequestData().setTransactionalIdPattern("[ab]-.*")))
                .containsExactlyInAnyOrder("a-empty", "b-old");
    }

    @Test
    void unknownStatesAreEchoedAndMatchNothing() {
        ListTransactionsResponseData listed = list(new ListTransactionsRequestData()
                .setStateFilters(List.of("Bogus", "ongoing")));
        assertThat(listed.unknownStateFilters()).containsExactly("Bogus", "ongoing");
        assertThat(listed.transactionStates()).isEmpty();
    }

    @Test
    void aBadPatternIsInvalidRegularExpression() {
        assertThat(list(new ListTransactionsRequestData().setTransactionalIdPattern("(")).errorCode())
                .isEqualTo(Errors.INVALID_REGULAR_EXPRESSION.code());
    }

    private ListTransactionsResponseData list(ListTransactionsRequestData request) {
        return get(f.coordinator.listTransactions(request));
    }

    private List<String> ids(ListTransactionsRequestData request) {
        return list(request).transactionStates().stream().map(ListTransactionsResponseData.TransactionState::transactionalId)
                .toList();
    }
}
