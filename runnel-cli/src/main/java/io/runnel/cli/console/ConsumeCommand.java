package io.runnel.cli.console;

import io.runnel.cli.ClientOptions;
import io.runnel.cli.CommandContext;
import io.runnel.cli.UsageError;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * {@code runnel consume TOPIC}: prints records one per line. The consumer is assigned the
 * partitions directly (no group, no commits) and positioned by {@link StartPosition}. It runs
 * until {@code --max-messages} records were printed, or no record came for {@code --timeout-ms}
 * (both: whichever first), else until killed.
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = {"Print the records of a topic, one value per line (like kafka-console-consumer.sh).",
            "Reads all partitions, or one with --partition, without joining a consumer group."})
public final class ConsumeCommand implements Callable<Integer> {
    private static final long MAX_POLL_MS = 500;

    @Mixin
    ClientOptions client;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic to read.")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the oldest record instead of the end of the log.")
    boolean fromBeginning;

    @Option(names = "--offset", paramLabel = "N|earliest|latest",
            description = "Start at this offset of the partition given with --partition.")
    String offset;

    @Option(names = "--from-time", paramLabel = "TIME",
            description = "Start at the first record with a timestamp at or after TIME: epoch milliseconds "
                    + "or ISO-8601 (2026-01-31T12:00:00Z; UTC when no zone is given).")
    String fromTime;

    @Option(names = "--partition", paramLabel = "N", description = "Read only this partition.")
    Integer partition;

    @Option(names = "--max-messages", paramLabel = "N", description = "Exit after printing N records.")
    Long maxMessages;

    @Option(names = "--timeout-ms", paramLabel = "MS",
            description = "Exit when no record arrived for MS milliseconds (default: wait forever).")
    Long timeoutMs;

    @Option(names = "--print-key", description = "Print the key before the value.")
    boolean printKey;

    @Option(names = "--print-headers", description = "Print the headers (k:v,k2:v2 or NO_HEADERS) first.")
    boolean printHeaders;

    @Option(names = "--key-separator", paramLabel = "SEP", defaultValue = "\t",
            description = "Separator between printed fields (default: tab).")
    String keySeparator;

    @Option(names = "--consumer-property", paramLabel = "KEY=VALUE",
            description = "Consumer setting (e.g. isolation.level=read_committed). Repeatable.")
    Map<String, String> consumerProperties = new LinkedHashMap<>();

    private final CommandContext context;

    ConsumeCommand(CommandContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        StartPosition start = startPosition();
        if (maxMessages != null && maxMessages < 1) {
            throw new UsageError("--max-messages must be at least 1, was " + maxMessages);
        }
        if (timeoutMs != null && timeoutMs < 0) {
            throw new UsageError("--timeout-ms must not be negative, was " + timeoutMs);
        }
        RecordPrinter printer = new RecordPrinter(context.out(), printHeaders, printKey, keySeparator);
        try (Consumer<byte[], byte[]> consumer = context.clients().consumer(consumerConfig())) {
            List<TopicPartition> partitions = partitions(consumer);
            consumer.assign(partitions);
            start.seek(consumer, partitions);
            printUntilDone(consumer, printer);
        }
        return 0;
    }

    private StartPosition startPosition() {
        if (offset != null && partition == null) {
            throw new UsageError("--offset needs --partition");
        }
        int choices = (fromBeginning ? 1 : 0) + (offset != null ? 1 : 0) + (fromTime != null ? 1 : 0);
        if (choices > 1) {
            throw new UsageError("give at most one of --from-beginning, --offset and --from-time");
        }
        if (partition != null && partition < 0) {
            throw new UsageError("--partition must not be negative, was " + partition);
        }
        if (fromBeginning) {
            return new StartPosition.Earliest();
        }
        if (offset != null) {
            return StartPosition.ofOffset(offset);
        }
        return fromTime != null ? StartPosition.ofTime(fromTime) : new StartPosition.Latest();
    }

    private List<TopicPartition> partitions(Consumer<byte[], byte[]> consumer) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic);
        if (infos == null || infos.isEmpty()) {
            throw new UnknownTopicOrPartitionException("topic '" + topic + "' does not exist");
        }
        List<TopicPartition> all = infos.stream()
                .map(info -> new TopicPartition(info.topic(), info.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition))
                .toList();
        if (partition == null) {
            return all;
        }
        TopicPartition chosen = new TopicPartition(topic, partition);
        if (!all.contains(chosen)) {
            throw new UnknownTopicOrPartitionException("topic '" + topic + "' has no partition " + partition
                    + " (it has " + all.size() + ")");
        }
        return List.of(chosen);
    }

    private void printUntilDone(Consumer<byte[], byte[]> consumer, RecordPrinter printer) throws IOException {
        long printed = 0;
        long lastRecordMs = context.time().milliseconds();
        while (maxMessages == null || printed < maxMessages) {
            long pollMs = MAX_POLL_MS;
            if (timeoutMs != null) {
                long idleMs = context.time().milliseconds() - lastRecordMs;
                if (idleMs >= timeoutMs) {
                    return;
                }
                pollMs = Math.min(pollMs, timeoutMs - idleMs);
            }
            boolean any = false;
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(pollMs))) {
                printer.print(record);
                any = true;
                if (maxMessages != null && ++printed >= maxMessages) {
                    break;
                }
            }
            context.out().flush();
            if (any) {
                lastRecordMs = context.time().milliseconds();
            }
        }
    }

    private Properties consumerConfig() {
        Properties props = client.properties();
        props.putAll(consumerProperties);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.putIfAbsent(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        return props;
    }
}
