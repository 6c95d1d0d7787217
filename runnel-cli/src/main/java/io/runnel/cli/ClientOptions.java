package io.runnel.cli;

import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

/** The options every client command shares: where the cluster is, and extra client settings. */
public final class ClientOptions {
    private static final String DEFAULT_BOOTSTRAP = "localhost:9092";

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT",
            description = "Broker(s) to connect to, comma-separated (default: bootstrap.servers from "
                    + "--command-config, else " + DEFAULT_BOOTSTRAP + ").")
    String bootstrapServers;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Properties file of client settings (security, timeouts...), as for Kafka's tools.")
    Path commandConfig;

    /** The client settings: {@code --command-config} file, with {@code --bootstrap-server} winning. */
    public Properties properties() {
        Properties props = new Properties();
        if (commandConfig != null) {
            try (Reader reader = Files.newBufferedReader(commandConfig, StandardCharsets.UTF_8)) {
                props.load(reader);
            } catch (NoSuchFileException e) {
                throw new ConfigException("cannot read --command-config " + commandConfig + ": no such file");
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException("cannot read --command-config " + commandConfig + ": " + FailureReporter.message(e));
            }
        }
        if (bootstrapServers != null) {
            props.put("bootstrap.servers", bootstrapServers);
        }
        props.putIfAbsent("bootstrap.servers", DEFAULT_BOOTSTRAP);
        return props;
    }
}
