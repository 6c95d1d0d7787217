package io.runnel.cli;

import io.runnel.broker.Broker;
import io.runnel.broker.config.BrokerConfig;
import io.runnel.broker.config.BrokerConfig.Listener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * {@code runnel server}: starts one node and runs until SIGTERM or SIGINT, when a shutdown hook
 * closes the broker (listeners, logs flushed, clean-shutdown marker). A close that takes longer
 * than {@link #CLOSE_TIMEOUT_MS} ms halts the JVM rather than hang the operator's terminal.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Start a Runnel node (broker and controller) and run until stopped (SIGTERM or Ctrl-C).",
            "Takes Kafka's broker configuration: a Kafka KRaft server.properties with static "
                + "controller.quorum.voters works unchanged; keys Runnel does not use are logged once."})
final class ServerCommand implements Callable<Integer> {
    static final long CLOSE_TIMEOUT_MS = 30_000;
    private static final Logger log = LoggerFactory.getLogger(ServerCommand.class);

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Broker properties file (Kafka's server.properties syntax and keys).")
    Path config;

    @Option(names = {"-o", "--override"}, paramLabel = "KEY=VALUE",
            description = "Set a broker property, over the file's value. Repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--check",
            description = "Start the node, ask it for ApiVersions and Metadata on its client listener, then shut it "
                + "down cleanly and exit (0 when all of that worked): checks a configuration and its storage.")
    boolean check;

    private final CommandContext context;

    ServerCommand(CommandContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException, IOException {
        BrokerConfig brokerConfig = BrokerConfig.load(Optional.ofNullable(config), overrides);
        if (!brokerConfig.ignoredKeys().isEmpty()) {
            log.info("Ignoring configuration keys Runnel does not use: {}", String.join(", ", brokerConfig.ignoredKeys()));
        }
        long startMs = context.time().milliseconds();
        Broker broker = Broker.start(brokerConfig);
        if (check && !brokerConfig.processRoles().isBroker()) {
            context.out().println(readyLine(brokerConfig, broker, context.time().milliseconds() - startMs));
            broker.close();
            context.out().println("Check passed: the controller started its metadata quorum voter");
            return 0;
        }
        if (check) {
            try {
                context.out().println(readyLine(brokerConfig, broker, context.time().milliseconds() - startMs));
                Listener listener = brokerConfig.advertisedListeners().get(0);
                int brokers = SelfCheck.brokersListed(listener.host(), port(brokerConfig, broker, listener));
                context.out().println("Check passed: " + listener.name() + " answered ApiVersions and Metadata ("
                        + brokers + " broker" + (brokers == 1 ? "" : "s") + ")");
            } finally {
                broker.close();
            }
            return 0;
        }
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeWithin(broker, closed), "runnel-shutdown"));
        context.out().println(readyLine(brokerConfig, broker, context.time().milliseconds() - startMs));
        context.out().flush();
        closed.await();
        return 0;
    }

    /**
     * "Runnel broker 1 started: PLAINTEXT localhost:9092, data in ./data (812 ms)"; a
     * controller-only node: "Runnel controller 1 started: CONTROLLER localhost:9093, data in ...".
     */
    private static String readyLine(BrokerConfig config, Broker broker, long elapsedMs) {
        if (!config.processRoles().isBroker()) {
            return "Runnel controller " + config.nodeId() + " started: " + config.controllerListenerNames().get(0) + " "
                    + config.raftListenerAddress().getHostString() + ":" + config.raftListenerAddress().getPort()
                    + ", data in " + config.logDirs().stream().map(Path::toString).collect(Collectors.joining(","))
                    + " (" + elapsedMs + " ms)";
        }
        String listeners = config.advertisedListeners().stream()
                .map(l -> l.name() + " " + l.host() + ":" + port(config, broker, l))
                .collect(Collectors.joining(", "));
        String dirs = config.logDirs().stream().map(Path::toString).collect(Collectors.joining(","));
        return "Runnel broker " + config.nodeId() + " started: " + listeners + ", data in " + dirs
                + " (" + elapsedMs + " ms)";
    }

    /** The advertised port, or the bound one when the listener was configured with port 0. */
    private static int port(BrokerConfig config, Broker broker, Listener advertised) {
        boolean ephemeral = config.listeners().stream()
                .anyMatch(l -> l.name().equals(advertised.name()) && l.port() == 0);
        return ephemeral || advertised.port() == 0 ? broker.boundPort(advertised.name()) : advertised.port();
    }

    private void closeWithin(Broker broker, CountDownLatch closed) {
        Thread closer = new Thread(() -> {
            try {
                broker.close();
            } catch (RuntimeException e) {
                context.err().println("runnel: broker close failed: " + FailureReporter.message(e));
            }
        }, "runnel-broker-close");
        closer.start();
        try {
            closer.join(CLOSE_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closer.isAlive()) {
            context.err().println("runnel: broker did not close within " + CLOSE_TIMEOUT_MS + " ms, exiting");
            context.err().flush();
            Runtime.getRuntime().halt(FailureReporter.FAILURE);
        }
        closed.countDown();
    }
}
