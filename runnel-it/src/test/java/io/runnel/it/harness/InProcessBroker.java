package io.runnel.it.harness;

import io.runnel.broker.Broker;
import io.runnel.broker.config.BrokerConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.util.Map;

/**
 * A broker running inside the test JVM, on 127.0.0.1 with free ports and a temp data dir that
 * {@link #close} deletes. {@link #restart} stops it cleanly and starts it again on the same
 * ports and data.
 */
public final class InProcessBroker implements AutoCloseable {
    private final BrokerSpec spec;
    private Broker broker;

    private InProcessBroker(BrokerSpec spec) {
        this.spec = spec;
        this.broker = Broker.start(BrokerConfig.parse(spec.properties()));
    }

    public static InProcessBroker start() {
        return start(Map.of());
    }

    public static InProcessBroker start(Map<String, String> overrides) {
        return new InProcessBroker(BrokerSpec.fresh(overrides));
    }

    public BrokerSpec spec() {
        return spec;
    }

    public String bootstrap() {
        return spec.bootstrap();
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));
    }

    public void restart() {
        broker.close();
        broker = Broker.start(BrokerConfig.parse(spec.properties()));
    }

    @Override
    public void close() {
        try {
            broker.close();
        } finally {
            TempDirs.delete(spec.dataDir());
        }
    }
}
