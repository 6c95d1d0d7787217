package io.runnel.it.harness;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The configuration of a test broker: node 1 on 127.0.0.1 with its own free client and
 * controller ports and data directory, plus any overrides. Both in-process and
 * separate-process brokers start from a spec, so a test can restart a broker on the same ports
 * and data.
 */
public record BrokerSpec(Path dataDir, int port, int controllerPort, Map<String, String> overrides) {

    public static BrokerSpec fresh(Map<String, String> overrides) {
        return new BrokerSpec(TempDirs.create("runnel-it-"), FreePorts.next(), FreePorts.next(), overrides);
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** Every server property, Kafka's keys. */
    public Map<String, String> properties() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("node.id", "1");
        props.put("process.roles", "broker,controller");
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("log.dirs", dataDir.toString());
        props.putAll(overrides);
        return props;
    }
}
