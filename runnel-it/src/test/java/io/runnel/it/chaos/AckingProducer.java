package io.runnel.it.chaos;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * An idempotent {@code acks=all} producer that sends unique values {@code p<id>-<seq>} at a
 * steady pace, one record to every partition each {@link #TICK_MS} ms (key {@code k<partition>}),
 * with at most {@link #MAX_IN_FLIGHT} records unacknowledged (a tick that finds none free sends
 * nothing, so an outage does not pile up a backlog). The sequence number rises with every send,
 * so within a partition a producer's values must appear in increasing order.
 *
 * <p>Thread-safety: sends run on one scheduler thread; callbacks on the producer's I/O thread
 * append to concurrent queues that any thread may read.
 */
final class AckingProducer implements AutoCloseable {
    static final long TICK_MS = 10;
    static final int MAX_IN_FLIGHT = 600;
    /** How long {@link #close} lets unsent records go out (after {@link #stopSending} there are none). */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final int id;
    private final String topic;
    private final int partitions;
    private final KafkaProducer<String, String> producer;
    private final ScheduledExecutorService scheduler;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final Queue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final Queue<String> errors = new ConcurrentLinkedQueue<>();
    private long nextSeq;

    AckingProducer(int id, String bootstrap, String topic, int partitions) {
        this.id = id;
        this.topic = topic;
        this.partitions = partitions;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, "chaos-p" + id,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new StringSerializer());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "chaos-producer-" + id);
            thread.setDaemon(true);
            return thread;
        });
    }

    void start() {
        scheduler.scheduleAtFixedRate(this::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        for (int partition = 0; partition < partitions; partition++) {
            if (!inFlight.tryAcquire()) {
                return;
            }
            String value = "p" + id + "-" + nextSeq++;
            try {
                producer.send(new ProducerRecord<>(topic, partition, "k" + partition, value), (metadata, e) -> {
                    inFlight.release();
                    if (e == null) {
                        acks.add(new Ack(new StoredRecord(metadata.partition(), metadata.offset(), value), System.nanoTime()));
                    } else {
                        errors.add(value + ": " + e);
                    }
                });
            } catch (RuntimeException e) { // thrown out of tick, it would cancel the schedule silently
                inFlight.release();
                errors.add(value + ": " + e);
            }
        }
    }

    /** Stops sending and waits (flush) until every record sent so far is acknowledged or failed. */
    void stopSending() throws InterruptedException {
        scheduler.shutdown();
        if (!scheduler.awaitTermination(2, TimeUnit.MINUTES)) {
            throw new AssertionError("producer " + id + " did not stop sending");
        }
        producer.flush();
    }

    /** Acknowledged sends so far, in callback order. */
    List<Ack> acks() {
        return new ArrayList<>(acks);
    }

    /** Sends that failed (after the producer's own retries), as "value: exception". */
    List<String> errors() {
        return new ArrayList<>(errors);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        producer.close(CLOSE_TIMEOUT);
    }
}
