import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;

/**
 * End-to-end latency without a consumer group, for bench/run.sh (phase e2).
 *
 * <p>Same measurement as Kafka's EndToEndLatency, which also reads with {@code assign()} but sets a
 * group.id and calls commitSync() at the end (so it needs the group coordinator): one record of
 * SIZE random bytes at a time, the timer covering the producer's {@code send().get()} (acks as
 * given, linger.ms=0) and the consumer polls (fetch.max.wait.ms=0) until that record arrives.
 * Here there is no group.id and nothing is committed, and the latencies are kept in microseconds
 * rather than truncated to whole milliseconds.
 *
 * <p>Usage: {@code java -cp <kafka jars> AssignEndToEndLatency.java BOOTSTRAP TOPIC N ACKS SIZE}.
 * Prints {@code records=<n> avg_ms=<ms> p50_ms=<ms> p99_ms=<ms> p999_ms=<ms> max_ms=<ms>}
 * (percentile = the sorted latency at index floor(n * p), as EndToEndLatency computes it).
 * Exit code 1 when a record does not arrive within 60 s or arrives changed.
 */
public class AssignEndToEndLatency {
    private static final Duration RECORD_TIMEOUT = Duration.ofSeconds(60);

    public static void main(String[] args) {
        String bootstrap = args[0];
        String topic = args[1];
        int n = Integer.parseInt(args[2]);
        String acks = args[3];
        int size = Integer.parseInt(args[4]);

        long[] latenciesNs = new long[n];
        Random random = new Random(0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(bootstrap));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(bootstrap, acks))) {
            List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0));
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            consumer.position(partitions.get(0));
            for (int i = 0; i < n; i++) {
                byte[] value = new byte[size];
                random.nextBytes(value);
                long startNs = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, 0, null, value)).get();
                byte[] received = awaitOne(consumer);
                latenciesNs[i] = System.nanoTime() - startNs;
                if (!Arrays.equals(value, received)) {
                    fail("record " + i + " arrived changed");
                }
            }
        } catch (Exception e) {
            fail(e.toString());
        }
        Arrays.sort(latenciesNs);
        double avgMs = Arrays.stream(latenciesNs).average().orElse(0) / 1e6;
        System.out.printf("records=%d avg_ms=%.3f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f%n", n, avgMs,
                percentileMs(latenciesNs, 0.5), percentileMs(latenciesNs, 0.99), percentileMs(latenciesNs, 0.999),
                latenciesNs[n - 1] / 1e6);
    }

    /** Polls until exactly one record has arrived; the producer sends the next only after that. */
    private static byte[] awaitOne(KafkaConsumer<byte[], byte[]> consumer) {
        long deadlineNs = System.nanoTime() + RECORD_TIMEOUT.toNanos();
        while (System.nanoTime() < deadlineNs) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(RECORD_TIMEOUT);
            if (records.count() > 1) {
                fail("expected one record, got " + records.count());
            }
            if (records.count() == 1) {
                return records.iterator().next().value();
            }
        }
        fail("no record within " + RECORD_TIMEOUT.toSeconds() + " s");
        return null;
    }

    private static double percentileMs(long[] sortedNs, double p) {
        return sortedNs[(int) (sortedNs.length * p)] / 1e6;
    }

    private static Properties consumerProps(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-e2e-consumer");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "0");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    private static Properties producerProps(String bootstrap, String acks) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-e2e-producer");
        props.put(ProducerConfig.ACKS_CONFIG, acks);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(Long.MAX_VALUE));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    private static void fail(String message) {
        System.err.println("AssignEndToEndLatency: " + message);
        System.exit(1);
    }
}
