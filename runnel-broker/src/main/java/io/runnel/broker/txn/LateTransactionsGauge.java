package io.runnel.broker.txn;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/**
 * Kafka's gauge {@value #NAME} on the platform MBean server: the number of led partitions with
 * a late transaction ({@link LateTransactions}), counted afresh at every read as Kafka does.
 * Several brokers in one JVM (in-process tests) cannot share a name: the first takes Kafka's, the
 * others add {@code ,broker=<node id>}. {@link #close} unregisters it.
 */
public final class LateTransactionsGauge implements LateTransactionsGaugeMBean, AutoCloseable {
    public static final String NAME = "kafka.server:type=ReplicaManager,name=PartitionsWithLateTransactionsCount";
    private static final Logger log = LoggerFactory.getLogger(LateTransactionsGauge.class);

    private final LateTransactions lateTransactions;
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final ObjectName name;

    private LateTransactionsGauge(LateTransactions lateTransactions, int nodeId) {
        this.lateTransactions = lateTransactions;
        this.name = register(nodeId);
    }

    /** Registers the gauge; a JMX failure is logged and leaves the broker without it. */
    public static LateTransactionsGauge register(LateTransactions lateTransactions, int nodeId) {
        return new LateTransactionsGauge(lateTransactions, nodeId);
    }

    @Override
    public int getValue() {
        return lateTransactions.check();
    }

    /** The name it is registered under, or null when registration failed. */
    public ObjectName name() {
        return name;
    }

    private ObjectName register(int nodeId) {
        try {
            try {
                return server.registerMBean(this, new ObjectName(NAME)).getObjectName();
            } catch (InstanceAlreadyExistsException taken) {
                return server.registerMBean(this, new ObjectName(NAME + ",broker=" + nodeId)).getObjectName();
            }
        } catch (JMException e) {
            log.warn("Cannot register the JMX gauge {}: {}", NAME, e.toString());
            return null;
        }
    }

    @Override
    public void close() {
        if (name == null) {
            return;
        }
        try {
            server.unregisterMBean(name);
        } catch (JMException e) {
            log.warn("Cannot unregister the JMX gauge {}: {}", name, e.toString());
        }
    }
}
