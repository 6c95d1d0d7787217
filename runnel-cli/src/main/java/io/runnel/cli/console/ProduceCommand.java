package io.runnel.cli.console;

import io.runnel.cli.ClientOptions;
import io.runnel.cli.CommandContext;
import io.runnel.cli.UsageError;
import org.apache.kafka.clients.producer.Producer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code runnel produce TOPIC}: one record per stdin line (UTF-8), sent asynchronously; at EOF the
 * producer is flushed and closed. Silent on success. The first failed send, or a line without
 * the key separator, stops reading; what was already sent is flushed before the error is reported.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Send each line of standard input as a record (like kafka-console-producer.sh).",
            "Prints nothing on success."})
public final class ProduceCommand implements Callable<Integer> {
    private static final Map<String, String> LINE_PROPERTIES = Map.of(
            "parse.key", "true: lines are KEY<key.separator>VALUE",
            "key.separator", "separator between key and value (default: tab)");

    @Mixin
    ClientOptions client;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic to write to.")
    String topic;

    @Option(names = "--key-separator", paramLabel = "SEP",
            description = "Lines are KEY SEP VALUE (split at the first SEP); a line without SEP is an error.")
    String keySeparator;

    @Option(names = "--header", paramLabel = "KEY=VALUE", description = "Header added to every record. Repeatable.")
    List<String> headers = new ArrayList<>();

    @Option(names = "--partition", paramLabel = "N", description = "Write every record to this partition.")
    Integer partition;

    @Option(names = "--producer-property", paramLabel = "KEY=VALUE",
            description = "Producer setting (e.g. acks=1, compression.type=zstd). Repeatable. Default acks: all.")
    Map<String, String> producerProperties = new LinkedHashMap<>();

    @Option(names = "--property", paramLabel = "KEY=VALUE",
            description = "Line reader setting, as kafka-console-producer's: parse.key=true, key.separator=SEP.")
    Map<String, String> lineProperties = new LinkedHashMap<>();

    private final CommandContext context;

    ProduceCommand(CommandContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        if (partition != null && partition < 0) {
            throw new UsageError("--partition must not be negative, was " + partition);
        }
        LineParser parser = new LineParser(topic, partition, effectiveKeySeparator(), Headers.parse(headers));
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        try (Producer<byte[], byte[]> producer = context.clients().producer(producerConfig());
             BufferedReader lines = new BufferedReader(new InputStreamReader(context.in(), StandardCharsets.UTF_8))) {
            long lineNumber = 0;
            String line;
            while (sendFailure.get() == null && (line = lines.readLine()) != null) {
                lineNumber++;
                producer.send(parser.parse(line, lineNumber), (metadata, e) -> {
                    if (e != null) {
                        sendFailure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        if (sendFailure.get() != null) {
            throw new ProduceFailed(sendFailure.get());
        }
        return 0;
    }

    /** {@code --key-separator}, else kafka-console-producer's parse.key / key.separator properties. */
    private String effectiveKeySeparator() {
        for (String key : lineProperties.keySet()) {
            if (!LINE_PROPERTIES.containsKey(key)) {
                throw new UsageError("unsupported --property " + key + " (supported: "
                        + String.join(", ", LINE_PROPERTIES.keySet().stream().sorted().toList())
                        + "; producer settings go in --producer-property)");
            }
        }
        if (keySeparator != null) {
            if (keySeparator.isEmpty()) {
                throw new UsageError("--key-separator must not be empty");
            }
            return keySeparator;
        }
        if (Boolean.parseBoolean(lineProperties.getOrDefault("parse.key", "false"))) {
            return lineProperties.getOrDefault("key.separator", "\t");
        }
        return null;
    }

    private Properties producerConfig() {
        Properties props = client.properties();
        props.putAll(producerProperties);
        return props;
    }

    /** A send the broker or client rejected; the message is the cause's. */
    static final class ProduceFailed extends RuntimeException {
        ProduceFailed(Exception cause) {
            super(cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName(), cause);
        }
    }
}
