package io.runnel.broker.txn;

/** The JMX interface of {@link LateTransactionsGauge}: one read-only attribute, {@code Value}, as Kafka's gauges. */
public interface LateTransactionsGaugeMBean {
    /** The number of partitions this broker leads with a late transaction, counted at the read. */
    int getValue();
}
