package io.runnel.broker.txn;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.runnel.storage.ActiveProducer;
import io.runnel.testkit.ManualTime;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LateTransactionsTest {
    private static final long MAX_TIMEOUT_MS = 3_000;
    private static final TopicPartition A0 = new TopicPartition("a", 0);
    private static final TopicPartition A1 = new TopicPartition("a", 1);

    private final ManualTime time = new ManualTime();
    private final Map<TopicPartition, List<ActiveProducer>> led = new HashMap<>();
    private final LateTransactions late = new LateTransactions(() -> led, MAX_TIMEOUT_MS, time);
    private final Logger logger = (Logger) LoggerFactory.getLogger(LateTransactions.class);
    private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        warnings.start();
        logger.addAppender(warnings);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(warnings);
        warnings.stop();
    }

    @Test
    void aTransactionIsLateOnlyOnceOpenLongerThanTheMaxTimeout() {
        long start = time.milliseconds();
        led.put(A0, List.of(producer(7, start, 40)));
        assertThat(late.check()).isZero();
        time.advance(MAX_TIMEOUT_MS);
        assertThat(late.check()).as("exactly the timeout is not late").isZero();
        time.advance(1);
        assertThat(late.check()).isEqualTo(1);
        assertThat(warnings.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getFormattedMessage()).contains("producer 7 (epoch 0)", "a-0", "offset 40", "3001 ms");
        });
    }

    @Test
    void countsPartitionsNotTransactionsAndIgnoresProducersWithoutAnOpenTransaction() {
        long start = time.milliseconds();
        led.put(A0, List.of(producer(1, start, 5), producer(2, start, 9)));
        led.put(A1, List.of(producer(3, start, -1)));
        time.advance(MAX_TIMEOUT_MS + 1);
        assertThat(late.check()).isEqualTo(1);
        assertThat(warnings.list).hasSize(2);
    }

    @Test
    void eachLateTransactionIsLoggedOnceUntilItEnds() {
        long start = time.milliseconds();
        led.put(A0, new ArrayList<>(List.of(producer(1, start, 5))));
        time.advance(MAX_TIMEOUT_MS + 1);
        late.check();
        time.advance(60_000);
        assertThat(late.check()).isEqualTo(1);
        assertThat(warnings.list).hasSize(1);

        led.put(A0, List.of(producer(1, start, -1)));
        assertThat(late.check()).as("aborted").isZero();
        led.put(A0, List.of(producer(1, start, 5)));
        assertThat(late.check()).isEqualTo(1);
        assertThat(warnings.list).as("late again after it ended: logged again").hasSize(2);
    }

    @Test
    void theGaugeCountsAtEachReadAndAnotherBrokerInTheJvmGetsItsOwnName() throws Exception {
        var server = ManagementFactory.getPlatformMBeanServer();
        led.put(A0, List.of(producer(1, time.milliseconds(), 5)));
        try (LateTransactionsGauge first = LateTransactionsGauge.register(late, 1);
             LateTransactionsGauge second = LateTransactionsGauge.register(late, 2)) {
            ObjectName kafkaName = new ObjectName(LateTransactionsGauge.NAME);
            assertThat(first.name()).isEqualTo(kafkaName);
            assertThat(second.name()).isEqualTo(new ObjectName(LateTransactionsGauge.NAME + ",broker=2"));
            assertThat(server.getAttribute(kafkaName, "Value")).isEqualTo(0);
            time.advance(MAX_TIMEOUT_MS + 1);
            assertThat(server.getAttribute(kafkaName, "Value")).isEqualTo(1);
        }
        assertThat(server.queryNames(new ObjectName("kafka.server:type=ReplicaManager,*"), null)).isEmpty();
    }

    private static ActiveProducer producer(long producerId, long lastTimestamp, long txnStartOffset) {
        return new ActiveProducer(producerId, (short) 0, 3, lastTimestamp, -1, txnStartOffset);
    }
}
