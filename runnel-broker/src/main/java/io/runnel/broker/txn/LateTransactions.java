package io.runnel.broker.txn;

import io.runnel.broker.replica.Partition;
import io.runnel.storage.ActiveProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Finds the led partitions whose last stable offset is held back by a <em>late</em> transaction:
 * one open (its producer has a current transaction start offset) for longer than
 * {@code transaction.max.timeout.ms} since the producer's last batch. No coordinator lets a
 * transaction live that long (it aborts it on timeout), so a late transaction is one its
 * coordinator does not know or has forgotten: a <em>hanging</em> transaction, which keeps
 * {@code read_committed} consumers stuck until someone aborts it (kafka-transactions.sh abort,
 * {@code runnel transactions abort}).
 *
 * <p>Each {@link #check} logs one WARN per transaction that became late since the previous check
 * and returns the number of partitions with one; {@link LateTransactionsGauge} publishes that
 * number over JMX. Unlike Kafka, which adds five minutes of slack to the timeout before it calls
 * a transaction late, the timeout itself is the limit.
 *
 * <p>Thread-safety: {@link #check} may be called from any thread (the periodic task, a JMX
 * read); calls are serialized.
 */
public final class LateTransactions {
    private static final Logger log = LoggerFactory.getLogger(LateTransactions.class);

    private final Supplier<Map<TopicPartition, List<ActiveProducer>>> ledProducers;
    private final long maxTimeoutMs;
    private final Time time;
    /** The late transactions of the previous check, so each is logged once. */
    private Set<OpenTransaction> lastLate = Set.of();

    /**
     * @param ledProducers the producers of every partition this broker leads, read at each check
     * @param maxTimeoutMs {@code transaction.max.timeout.ms}: a transaction open longer is late
     */
    public LateTransactions(Supplier<Map<TopicPartition, List<ActiveProducer>>> ledProducers, long maxTimeoutMs,
                            Time time) {
        this.ledProducers = ledProducers;
        this.maxTimeoutMs = maxTimeoutMs;
        this.time = time;
    }

    /** The producers of each partition led now, for the constructor's supplier. */
    public static Map<TopicPartition, List<ActiveProducer>> producersOf(Collection<Partition> leaders) {
        Map<TopicPartition, List<ActiveProducer>> producers = new LinkedHashMap<>();
        for (Partition partition : leaders) {
            producers.put(partition.topicPartition(), partition.log().activeProducers());
        }
        return producers;
    }

    /** Counts the led partitions with a late transaction, logging the newly late ones. */
    public synchronized int check() {
        long nowMs = time.milliseconds();
        Set<OpenTransaction> late = new HashSet<>();
        Set<TopicPartition> latePartitions = new HashSet<>();
        ledProducers.get().forEach((tp, producers) -> {
            for (ActiveProducer producer : producers) {
                long ageMs = nowMs - producer.lastTimestamp();
                if (producer.currentTxnStartOffset() >= 0 && ageMs > maxTimeoutMs) {
                    OpenTransaction txn = new OpenTransaction(tp, producer.producerId(), producer.currentTxnStartOffset());
                    late.add(txn);
                    latePartitions.add(tp);
                    if (!lastLate.contains(txn)) {
                        log.warn("Transaction of producer {} (epoch {}) in {} open since offset {} for {} ms, longer than "
                                        + "transaction.max.timeout.ms ({} ms): it holds the last stable offset back; abort it "
                                        + "with 'runnel transactions abort' if its coordinator does not",
                                producer.producerId(), producer.producerEpoch(), tp, producer.currentTxnStartOffset(), ageMs,
                                maxTimeoutMs);
                    }
                }
            }
        });
        lastLate = late;
        return latePartitions.size();
    }

    /** A transaction open in one partition, identified as DescribeProducers shows it. */
    private record OpenTransaction(TopicPartition partition, long producerId, long startOffset) {
    }
}
