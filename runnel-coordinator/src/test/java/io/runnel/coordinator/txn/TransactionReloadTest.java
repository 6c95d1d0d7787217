package io.runnel.coordinator.txn;

import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Leadership moves: replay rebuilds the same state, and a new leader resumes the markers of prepared transactions. */
class TransactionReloadTest {
    private final CoordinatorFixture f = new CoordinatorFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void requestsForAPartitionNotLedHereAnswerNotCoordinator() {
        assertThat(f.init("tx").errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(f.add("tx", 1, (short) 0, "t-0")).containsValue(Errors.NOT_COORDINATOR);
        assertThat(f.end("tx", 1, (short) 0, true, 4).errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(f.describe("tx").errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
    }

    @Test
    void aFailedAppendChangesNothingAndAnswersNotCoordinator() {
        f.elect(0);
        f.init("tx");
        f.add("tx", 1000, (short) 0, "t-0");
        f.log.failAppends(true);
        assertThat(f.end("tx", 1000, (short) 0, true, 4).errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(f.init("tx").errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(f.state("tx")).isEqualTo("Ongoing");
        assertThat(f.describe("tx").producerEpoch()).isZero();
        assertThat(f.markers.calls()).isEmpty();
        f.log.failAppends(false);
        assertThat(f.end("tx", 1000, (short) 0, true, 4).errorCode()).isZero();
    }

    @Test
    void aReloadedPartitionHasTheSameTransactions() {
        f.elect(0);
        f.init("empty");
        f.init("ongoing");
        f.add("ongoing", 1001, (short) 0, "t-0", "u-1");
        f.init("committed");
        f.brokerAdd("committed", 1002, (short) 0, false, "t-1");
        f.end("committed", 1002, (short) 0, true, 5);
        await().until(() -> f.state("committed").equals("CompleteCommit"));
        List<DescribeTransactionsResponseData.TransactionState> before = describeAll();

        f.coordinator.onResignation(0);
        await().until(() -> f.describe("empty").errorCode() == Errors.NOT_COORDINATOR.code());
        f.elect(1);
        assertThat(describeAll()).isEqualTo(before);
        // The reloaded state serves the producers as before.
        assertThat(f.end("committed", 1002, (short) 1, false, 5).producerEpoch()).isEqualTo((short) 2);
        assertThat(f.end("ongoing", 1001, (short) 0, true, 4).errorCode()).isZero();
    }

    @Test
    void aNewLeaderResumesTheMarkersOfPreparedTransactions() {
        f.elect(4);
        f.init("tx");
        f.add("tx", 1000, (short) 0, "t-0");
        f.markers.hold(true);
        assertThat(f.end("tx", 1000, (short) 0, true, 4).errorCode()).isZero();
        assertThat(f.markers.calls()).hasSize(1);

        f.coordinator.onResignation(0);
        f.markers.hold(false);
        f.elect(5);
        await().until(() -> f.markers.calls().size() == 2);
        FakeMarkerWriter.Call resumed = f.markers.last();
        assertThat(resumed.commit()).isTrue();
        assertThat(resumed.producerId()).isEqualTo(1000);
        assertThat(resumed.coordinatorEpoch()).isEqualTo(5);
        await().until(() -> f.state("tx").equals("CompleteCommit"));
        // The first leader's marker write ending late changes nothing.
        f.markers.releaseAll();
        assertThat(f.state("tx")).isEqualTo("CompleteCommit");
    }

    private List<DescribeTransactionsResponseData.TransactionState> describeAll() {
        return List.of(f.describe("empty"), f.describe("ongoing"), f.describe("committed"));
    }
}
