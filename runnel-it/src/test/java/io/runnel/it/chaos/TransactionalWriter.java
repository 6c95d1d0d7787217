package io.runnel.it.chaos;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A transactional producer on its own thread: transaction after transaction, it writes
 * {@value #RECORDS_PER_TXN} records to random partitions (values {@code name-tN-i}, unique per
 * run) and then commits, or aborts one transaction in five. Each transaction's outcome is noted as
 * the client saw it: committed (commitTransaction returned), aborted (abortTransaction returned)
 * or unknown (an exception on the way: the producer is closed and a new one with the same
 * transactional id fences it, so the broker decides). A fault costs at most a few unknown
 * transactions.
 *
 * <p>Thread-safety: the producer is used by its own thread only; {@link #transactions} and
 * {@link #errors} may be read from any thread, and are final after {@link #close}.
 */
final class TransactionalWriter implements AutoCloseable {
    static final int RECORDS_PER_TXN = 4;

    /** A transaction's records and how it ended for the client. */
    record Txn(String id, List<String> values, Outcome outcome) {
    }

    enum Outcome { COMMITTED, ABORTED, UNKNOWN }

    private final String name;
    private final String bootstrap;
    private final String topic;
    private final int partitions;
    private final Random random;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Txn> transactions = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    TransactionalWriter(String name, String bootstrap, String topic, int partitions, long seed) {
        this.name = name;
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.partitions = partitions;
        this.random = new Random(seed);
        this.thread = new Thread(this::run, "txn-writer-" + name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private KafkaProducer<String, String> newProducer() {
        KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, name,
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 20_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000), new StringSerializer(), new StringSerializer());
        producer.initTransactions();
        return producer;
    }

    private void run() {
        KafkaProducer<String, String> producer = null;
        long txnNo = 0;
        while (running) {
            String id = name + "-t" + txnNo++;
            List<String> values = new ArrayList<>();
            try {
                if (producer == null) {
                    producer = newProducer();
                }
                producer.beginTransaction();
                for (int i = 0; i < RECORDS_PER_TXN; i++) {
                    String value = id + "-" + i;
                    values.add(value);
                    producer.send(new ProducerRecord<>(topic, random.nextInt(partitions), null, value));
                }
                if (random.nextInt(5) == 0) {
                    producer.abortTransaction();
                    transactions.add(new Txn(id, values, Outcome.ABORTED));
                } else {
                    producer.commitTransaction();
                    transactions.add(new Txn(id, values, Outcome.COMMITTED));
                }
            } catch (RuntimeException e) {
                transactions.add(new Txn(id, values, Outcome.UNKNOWN));
                errors.add(id + ": " + e);
                if (producer != null) {
                    producer.close(Duration.ZERO);
                    producer = null;
                }
            }
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(30));
        }
    }

    /** Every transaction begun so far, in order. */
    List<Txn> transactions() {
        return new ArrayList<>(transactions);
    }

    long committed() {
        return transactions.stream().filter(t -> t.outcome() == Outcome.COMMITTED).count();
    }

    List<String> errors() {
        return new ArrayList<>(errors);
    }

    /** Finishes the transaction in flight and stops. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(90));
    }
}
