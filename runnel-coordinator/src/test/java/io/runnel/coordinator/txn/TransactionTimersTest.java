package io.runnel.coordinator.txn;

import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Timers on manual time: aborting timed-out transactions, expiring idle ids, retrying failed marker writes. */
class TransactionTimersTest {
    private final CoordinatorFixture f = new CoordinatorFixture();

    @BeforeEach
    void start() {
        f.elect(1);
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aTransactionOlderThanItsTimeoutIsAbortedAndItsProducerFenced() {
        f.init("tx");
        f.add("tx", 1000, (short) 0, "t-0");
        f.time.advance(CoordinatorFixture.TIMEOUT_MS - 1_000); // the check runs, the transaction is young enough
        f.time.advance(1_000);
        await().during(java.time.Duration.ofMillis(200)).until(() -> f.state("tx").equals("Ongoing"));

        f.time.advance(1_001);
        await().until(() -> f.state("tx").equals("CompleteAbort"));
        FakeMarkerWriter.Call abort = f.markers.last();
        assertThat(abort.commit()).isFalse();
        assertThat(abort.producerEpoch()).isEqualTo((short) 1);
        assertThat(f.end("tx", 1000, (short) 0, true, 4).errorCode()).isEqualTo(Errors.PRODUCER_FENCED.code());
        assertThat(f.add("tx", 1000, (short) 0, "t-1")).containsValue(Errors.PRODUCER_FENCED);
        assertThat(f.init("tx").producerEpoch()).isEqualTo((short) 2);
    }

    @Test
    void idleIdsExpireButNotThoseWithATransaction() {
        f.init("idle");
        f.init("busy");
        f.add("busy", 1001, (short) 0, "t-0");
        // The busy transaction times out and is aborted meanwhile: its id was updated then, so it stays.
        f.time.advance(CoordinatorFixture.CONFIG.transactionalIdExpirationMs() + 10_000);
        await().until(() -> f.describe("idle").errorCode() == Errors.TRANSACTIONAL_ID_NOT_FOUND.code());
        assertThat(f.log.records(0)).filteredOn(r -> r.isTombstone()).hasSize(1);
        assertThat(f.describe("busy").errorCode()).isZero();
        // A new producer with the expired id starts over with a new producer id.
        assertThat(f.init("idle").producerId()).isEqualTo(1002);
    }

    @Test
    void aFailedMarkerWriteIsRetriedAfterABackoff() {
        f.init("tx");
        f.add("tx", 1000, (short) 0, "t-0");
        f.markers.failNext();
        assertThat(f.end("tx", 1000, (short) 0, true, 4).errorCode()).isZero();
        await().until(() -> f.markers.calls().size() == 1);
        assertThat(f.state("tx")).isEqualTo("PrepareCommit");
        f.time.advance(TransactionCoordinatorShard.MARKER_RETRY_BACKOFF_MS);
        await().until(() -> f.state("tx").equals("CompleteCommit"));
        assertThat(f.markers.calls()).hasSize(2);
    }
}
