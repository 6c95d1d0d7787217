import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * Consumer throughput without a consumer group, for bench/run.sh (phase d).
 *
 * <p>Kafka's ConsumerPerformance subscribes with a group, which needs the group coordinator APIs;
 * this tool measures the same read path with {@code assign()} so that brokers without groups can be
 * compared: it assigns partition 0 of the topic, seeks to the beginning and polls until it has read
 * N records. Consumer settings are ConsumerPerformance's defaults: max.partition.fetch.bytes 1 MiB
 * (its --fetch-size), receive.buffer.bytes 2 MiB, fetch.max.bytes 50 MiB (the client default),
 * check.crcs=false, byte-array deserializers; no group.id, so nothing is committed.
 *
 * <p>Usage: {@code java -cp <kafka jars> AssignConsumerPerf.java BOOTSTRAP TOPIC N [TIMEOUT_MS]}.
 * Prints one line: {@code records=<n> bytes=<key+value bytes> elapsed_ms=<ms> records_per_s=<r>
 * mb_per_s=<MB/s, MB = 2^20 bytes as Kafka's tools count> first_batch_ms=<ms>}. The clock starts
 * just before assign() and stops at the N-th record; first_batch_ms is the part spent until the
 * first records arrived (metadata, ListOffsets, first fetch). Exit code 1 when fewer than N records
 * arrived within TIMEOUT_MS (default 30000) of the last non-empty poll.
 */
public class AssignConsumerPerf {
    public static void main(String[] args) {
        String bootstrap = args[0];
        String topic = args[1];
        long wanted = Long.parseLong(args[2]);
        long idleTimeoutMs = args.length > 3 ? Long.parseLong(args[3]) : 30_000;

        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-assign-consumer");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "1048576");
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, "52428800");
        props.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, "2097152");
        props.put(ConsumerConfig.CHECK_CRCS_CONFIG, "false");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());

        long records = 0;
        long bytes = 0;
        long startNs;
        long firstBatchNs = -1;
        long endNs;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0));
            startNs = System.nanoTime();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long lastDataMs = System.currentTimeMillis();
            while (records < wanted && System.currentTimeMillis() - lastDataMs < idleTimeoutMs) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                if (batch.isEmpty()) {
                    continue;
                }
                if (firstBatchNs < 0) {
                    firstBatchNs = System.nanoTime();
                }
                lastDataMs = System.currentTimeMillis();
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    records++;
                    bytes += (record.key() == null ? 0 : record.key().length)
                            + (record.value() == null ? 0 : record.value().length);
                }
            }
            endNs = System.nanoTime();
        }
        double elapsedS = (endNs - startNs) / 1e9;
        System.out.printf("records=%d bytes=%d elapsed_ms=%.1f records_per_s=%.1f mb_per_s=%.2f first_batch_ms=%.1f%n",
                records, bytes, elapsedS * 1000, records / elapsedS, bytes / 1048576.0 / elapsedS,
                firstBatchNs < 0 ? -1.0 : (firstBatchNs - startNs) / 1e6);
        if (records < wanted) {
            System.err.printf("only %d of %d records within %d ms of the last data%n", records, wanted, idleTimeoutMs);
            System.exit(1);
        }
    }
}
