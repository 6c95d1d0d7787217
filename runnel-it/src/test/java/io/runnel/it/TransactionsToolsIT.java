package io.runnel.it;

import io.runnel.broker.txn.LateTransactionsGauge;
import io.runnel.cli.Main;
import io.runnel.it.harness.ChildJvm;
import io.runnel.it.harness.InProcessBroker;
import io.runnel.it.harness.RawKafkaClient;
import io.runnel.it.harness.TempDirs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka 4.4's kafka-transactions.sh (TransactionsCommand, in a child JVM) and {@code runnel
 * transactions} against Runnel: an ongoing transaction of a real producer is listed and
 * described on one broker; on another, started with KIP-890 verification off and a 3 s
 * transaction.max.timeout.ms, a transactional batch its coordinator never heard of hangs: the
 * late-transaction gauge, find-hanging and {@code list --hanging} report it while
 * {@code read_committed} readers are stuck at its start, and kafka-transactions.sh abort frees them.
 */
class TransactionsToolsIT {
    private static final String TOOL = "org.apache.kafka.tools.TransactionsCommand";
    private static final int HANGING_MAX_TIMEOUT_MS = 3_000;
    private static InProcessBroker hangingBroker;
    private static InProcessBroker broker;
    private static Path workDir;

    @BeforeAll
    static void start() {
        workDir = TempDirs.create("runnel-txn-tools-");
        hangingBroker = InProcessBroker.start(Map.of(
                "transaction.partition.verification.enable", "false",
                "transaction.max.timeout.ms", String.valueOf(HANGING_MAX_TIMEOUT_MS),
                "transaction.state.log.num.partitions", "3",
                "offsets.topic.num.partitions", "3"));
        broker = InProcessBroker.start(Map.of(
                "transaction.state.log.num.partitions", "3",
                "offsets.topic.num.partitions", "3"));
    }

    @AfterAll
    static void stop() {
        try {
            broker.close();
            hangingBroker.close();
        } finally {
            TempDirs.delete(workDir);
        }
    }

    @Test
    void kafkaToolAndRunnelCliShowAnOngoingTransaction() throws Exception {
        createTopic(broker, "ongoing-t");
        TopicPartition tp = new TopicPartition("ongoing-t", 0);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tools-app"), new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("ongoing-t", 0, "k", "v")).get();
            long producerId = producerIdIn(tp);

            ChildJvm.Result listed = tool(broker, "list");
            assertThat(listed.code()).as(listed.err()).isZero();
            assertThat(listed.lines().get(0).split("\\s+"))
                    .containsExactly("TransactionalId", "Coordinator", "ProducerId", "TransactionState");
            assertThat(listed.lines()).anySatisfy(l ->
                    assertThat(l.split("\\s+")).containsExactly("tools-app", "1", String.valueOf(producerId), "Ongoing"));

            ChildJvm.Result described = tool(broker, "describe", "--transactional-id", "tools-app");
            assertThat(described.code()).as(described.err()).isZero();
            String[] row = described.lines().get(1).split("\\s+");
            assertThat(row).hasSize(9);
            assertThat(row[0]).isEqualTo("1");
            assertThat(row[1]).isEqualTo("tools-app");
            assertThat(row[2]).isEqualTo(String.valueOf(producerId));
            assertThat(row[4]).isEqualTo("Ongoing");
            assertThat(row[5]).isEqualTo("60000");
            assertThat(row[8]).isEqualTo("ongoing-t-0");

            ChildJvm.Result producers = tool(broker, "describe-producers", "--topic", "ongoing-t", "--partition", "0");
            assertThat(producers.code()).as(producers.err()).isZero();
            assertThat(producers.lines()).anySatisfy(l -> {
                String[] cells = l.split("\\s+");
                assertThat(cells[0]).isEqualTo(String.valueOf(producerId));
                assertThat(cells[3]).as("last sequence").isEqualTo("0");
                assertThat(cells[5]).as("current transaction start offset").isEqualTo("0");
            });

            Result runnelList = runnel(broker, "transactions", "list");
            assertThat(runnelList.code()).as(runnelList.err()).isZero();
            assertThat(runnelList.lines().get(0).split("\\s+"))
                    .containsExactly("TRANSACTIONAL-ID", "COORDINATOR", "PRODUCER-ID", "STATE");
            assertThat(runnelList.lines()).anySatisfy(l ->
                    assertThat(l.split("\\s+")).containsExactly("tools-app", "1", String.valueOf(producerId), "Ongoing"));

            Result runnelDescribe = runnel(broker, "transactions", "describe", "--transactional-id", "tools-app");
            assertThat(runnelDescribe.code()).as(runnelDescribe.err()).isZero();
            assertThat(runnelDescribe.lines().get(0).split("\\s+")).containsExactly("TRANSACTIONAL-ID", "COORDINATOR",
                    "PRODUCER-ID", "PRODUCER-EPOCH", "STATE", "TIMEOUT-MS", "START-TIME-MS", "DURATION-MS", "PARTITIONS");
            String[] cells = runnelDescribe.lines().get(1).split("\\s+");
            assertThat(cells).hasSize(9);
            assertThat(List.of(cells[0], cells[1], cells[2], cells[4], cells[5], cells[8]))
                    .containsExactly("tools-app", "1", String.valueOf(producerId), "Ongoing", "60000", "ongoing-t-0");

            Result notHanging = runnel(broker, "transactions", "list", "--hanging", "--max-transaction-timeout-ms", "0");
            assertThat(notHanging.code()).as(notHanging.err()).isZero();
            assertThat(notHanging.lines()).as("its coordinator will end it").hasSize(1);

            producer.commitTransaction();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(runnel(broker, "transactions", "list").lines())
                .anySatisfy(l -> assertThat(l).startsWith("tools-app").endsWith("CompleteCommit")));
        ChildJvm.Result after = tool(broker, "describe-producers", "--topic", "ongoing-t", "--partition", "0");
        assertThat(after.lines()).hasSize(2);
        assertThat(after.lines().get(1).split("\\s+")[5]).isEqualTo("None");
    }

    @Test
    void runnelCliErrorsAreOneLine() throws Exception {
        Result unknown = runnel(broker, "transactions", "describe", "--transactional-id", "nobody");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err().lines().toList()).containsExactly("runnel: transactional id 'nobody' does not exist");

        createTopic(broker, "no-txn-t");
        Result nothingOpen = runnel(broker, "transactions", "abort", "--topic", "no-txn-t", "--partition", "0",
                "--producer-id", "4242");
        assertThat(nothingOpen.code()).isEqualTo(1);
        assertThat(nothingOpen.err().lines().toList())
                .containsExactly("runnel: producer 4242 has no open transaction in no-txn-t-0");
    }

    /**
     * One producer's ghost transaction in each of three partitions; partition 0 is aborted with
     * kafka-transactions.sh and the ids find-hanging printed, 1 with its --start-offset, 2 with
     * {@code runnel transactions abort}.
     */
    @Test
    void hangingTransactionsAreFoundReportedAndAborted() throws Exception {
        createTopic(hangingBroker, "hang-t", 3);
        TopicPartition tp = new TopicPartition("hang-t", 0);
        long producerId;
        try (RawKafkaClient raw = new RawKafkaClient("127.0.0.1", hangingBroker.spec().port())) {
            InitProducerIdResponseData init = ((InitProducerIdResponse) raw.send(new InitProducerIdRequest.Builder(
                    new InitProducerIdRequestData().setTransactionalId(null)
                            .setTransactionTimeoutMs(HANGING_MAX_TIMEOUT_MS)))).data();
            assertThat(Errors.forCode(init.errorCode())).isEqualTo(Errors.NONE);
            producerId = init.producerId();
            for (int partition = 0; partition < 3; partition++) {
                MemoryRecords ghost = MemoryRecords.withTransactionalRecords(Compression.NONE, producerId,
                        init.producerEpoch(), 0, new SimpleRecord(System.currentTimeMillis(),
                                "k".getBytes(StandardCharsets.UTF_8), "ghost".getBytes(StandardCharsets.UTF_8)));
                assertThat(raw.produce("hang-t", partition, ghost)).isEqualTo(Errors.NONE);
            }
        }
        try (KafkaProducer<String, String> plain = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, hangingBroker.bootstrap()), new StringSerializer(), new StringSerializer())) {
            plain.send(new ProducerRecord<>("hang-t", 0, "k", "after-1"));
            plain.send(new ProducerRecord<>("hang-t", 0, "k", "after-2")).get();
        }
        assertThat(endOffset(tp, IsolationLevel.READ_UNCOMMITTED)).isEqualTo(3);
        assertThat(endOffset(tp, IsolationLevel.READ_COMMITTED)).as("LSO stuck at the hanging transaction").isZero();

        await().atMost(Duration.ofSeconds(20)).until(() -> lateTransactionPartitions() == 3);
        Result runnelHanging = runnel(hangingBroker, "transactions", "list", "--hanging");
        assertThat(runnelHanging.code()).as(runnelHanging.err()).isZero();
        assertThat(runnelHanging.lines()).hasSize(4);
        for (int partition = 0; partition < 3; partition++) {
            String[] reported = runnelHanging.lines().get(partition + 1).split("\\s+");
            assertThat(List.of(reported[0], reported[1], reported[2], reported[3], reported[4], reported[5], reported[8]))
                    .containsExactly("hang-t", String.valueOf(partition), String.valueOf(producerId), "0", "-1", "0",
                            "unknown-producer");
            assertThat(Long.parseLong(reported[7])).isGreaterThan(HANGING_MAX_TIMEOUT_MS);
        }

        ChildJvm.Result found = tool(hangingBroker, "find-hanging", "--broker-id", "1", "--max-transaction-timeout", "0");
        assertThat(found.code()).as(found.err()).isZero();
        assertThat(found.lines()).hasSize(4);
        String[] hanging = found.lines().stream().map(l -> l.split("\\s+"))
                .filter(cells -> cells[0].equals("hang-t") && cells[1].equals("0")).findFirst().orElseThrow();
        assertThat(List.of(hanging[2], hanging[3], hanging[4], hanging[5]))
                .containsExactly(String.valueOf(producerId), "0", "-1", "0");

        ChildJvm.Result producers = tool(hangingBroker, "describe-producers", "--topic", "hang-t", "--partition", "0");
        assertThat(producers.lines()).anySatisfy(l -> assertThat(l.split("\\s+"))
                .containsExactly(String.valueOf(producerId), "0", "-1", "0", l.split("\\s+")[4], "0"));

        try (KafkaConsumer<String, String> consumer = readCommittedConsumer()) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            assertThat(consumer.poll(Duration.ofSeconds(1))).as("stuck behind the hanging transaction").isEmpty();
            assertThat(consumer.position(tp)).isZero();

            ChildJvm.Result aborted = tool(hangingBroker, "abort", "--topic", "hang-t", "--partition", "0",
                    "--producer-id", hanging[2], "--producer-epoch", hanging[3], "--coordinator-epoch=" + hanging[4]);
            assertThat(aborted.code()).as(aborted.err()).isZero();

            assertThat(endOffset(tp, IsolationLevel.READ_COMMITTED)).as("the LSO moved past the marker").isEqualTo(4);
            List<String> values = new ArrayList<>();
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
                return values.size() >= 2;
            });
            assertThat(values).containsExactly("after-1", "after-2");
        }
        assertThat(lateTransactionPartitions()).isEqualTo(2);

        ChildJvm.Result byStartOffset = tool(hangingBroker, "abort", "--topic", "hang-t", "--partition", "1",
                "--start-offset", "0");
        assertThat(byStartOffset.code()).as(byStartOffset.err()).isZero();
        Result runnelAbort = runnel(hangingBroker, "transactions", "abort", "--topic", "hang-t", "--partition", "2",
                "--producer-id", String.valueOf(producerId));
        assertThat(runnelAbort.code()).as(runnelAbort.err()).isZero();
        assertThat(runnelAbort.lines()).containsExactly("Aborted the transaction of producer " + producerId
                + " (epoch 0) in hang-t-2 that started at offset 0.");
        for (int partition = 1; partition < 3; partition++) {
            assertThat(endOffset(new TopicPartition("hang-t", partition), IsolationLevel.READ_COMMITTED))
                    .as("partition %d: past the ghost and its abort marker", partition).isEqualTo(2);
        }

        assertThat(lateTransactionPartitions()).isZero();
        assertThat(runnel(hangingBroker, "transactions", "list", "--hanging").lines()).hasSize(1);
        assertThat(tool(hangingBroker, "find-hanging", "--topic", "hang-t", "--max-transaction-timeout", "0").lines())
                .hasSize(1);
    }

    /** The late-transaction gauges of the brokers in this JVM, summed (only the hanging broker can have one). */
    private static int lateTransactionPartitions() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        int sum = 0;
        for (ObjectName name : server.queryNames(new ObjectName(LateTransactionsGauge.NAME + ",*"), null)) {
            sum += (Integer) server.getAttribute(name, "Value");
        }
        return sum;
    }

    private static long producerIdIn(TopicPartition tp) throws Exception {
        try (Admin admin = broker.admin()) {
            return admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers().get(0).producerId();
        }
    }

    private static long endOffset(TopicPartition tp, IsolationLevel isolation) throws Exception {
        try (Admin admin = hangingBroker.admin()) {
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(isolation)).partitionResult(tp)
                    .get().offset();
        }
    }

    private static KafkaConsumer<String, String> readCommittedConsumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, hangingBroker.bootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer());
    }

    private static void createTopic(InProcessBroker on, String name) throws Exception {
        createTopic(on, name, 1);
    }

    private static void createTopic(InProcessBroker on, String name, int partitions) throws Exception {
        try (Admin admin = on.admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
    }

    /** kafka-transactions.sh: {@code --bootstrap-server} comes before the command; waits at most a minute. */
    private static ChildJvm.Result tool(InProcessBroker on, String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", on.bootstrap()));
        all.addAll(List.of(args));
        return ChildJvm.run(workDir, Duration.ofSeconds(60), "", TOOL, all);
    }

    private static Result runnel(InProcessBroker on, String... args) {
        List<String> full = new ArrayList<>(List.of(args));
        full.add("--bootstrap-server");
        full.add(on.bootstrap());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(full.toArray(String[]::new), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Result(int code, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }
}
