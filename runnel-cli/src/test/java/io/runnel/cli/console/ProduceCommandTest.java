package io.runnel.cli.console;

import io.runnel.cli.CliRun;
import io.runnel.cli.TestClients;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ProduceCommandTest {
    private final TestClients clients = new TestClients();

    private CliRun.Result produce(String stdin, String... args) {
        return CliRun.run(clients, Time.SYSTEM, stdin, args);
    }

    @Test
    void eachLineIsARecordValueAndNothingIsPrinted() {
        CliRun.Result result = produce("one\ntwo\r\nthree — ünïcode\n", "produce", "events");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEmpty();
        assertThat(clients.producer.history()).extracting(r -> text(r.value()))
                .containsExactly("one", "two", "three — ünïcode");
        assertThat(clients.producer.history()).allSatisfy(r -> {
            assertThat(r.topic()).isEqualTo("events");
            assertThat(r.key()).isNull();
            assertThat(r.partition()).isNull();
        });
        assertThat(clients.producer.closed()).isTrue();
    }

    @Test
    void keySeparatorSplitsAtTheFirstOccurrence() {
        produce("k1:v1\nk2:v:2\n:empty-key\n", "produce", "t", "--key-separator", ":");

        assertThat(clients.producer.history()).extracting(r -> text(r.key()) + "|" + text(r.value()))
                .containsExactly("k1|v1", "k2|v:2", "|empty-key");
    }

    @Test
    void kafkaStyleParseKeyPropertyDefaultsToTab() {
        produce("k\tv\n", "produce", "t", "--property", "parse.key=true");

        assertThat(clients.producer.history()).extracting(r -> text(r.key()) + "|" + text(r.value()))
                .containsExactly("k|v");
    }

    @Test
    void lineWithoutSeparatorFailsNamingTheLineAfterSendingEarlierLines() {
        CliRun.Result result = produce("a=1\nno separator\nc=3\n", "produce", "t", "--key-separator", "=");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly("runnel: no key separator '=' on line 2");
        assertThat(clients.producer.history()).extracting(r -> text(r.value())).containsExactly("1");
        assertThat(clients.producer.closed()).isTrue();
    }

    @Test
    void headersAndPartitionGoOnEveryRecord() {
        produce("x\ny\n", "produce", "t", "--header", "source=cli", "--header", "trace=", "--partition", "2");

        for (ProducerRecord<byte[], byte[]> record : clients.producer.history()) {
            assertThat(record.partition()).isEqualTo(2);
            Header[] headers = record.headers().toArray();
            assertThat(headers).extracting(Header::key).containsExactly("source", "trace");
            assertThat(headers).extracting(h -> text(h.value())).containsExactly("cli", "");
        }
        assertThat(clients.producer.history()).hasSize(2);
    }

    @Test
    void producerPropertiesAndBootstrapReachTheClient() {
        produce("", "produce", "t", "--bootstrap-server", "b1:9092,b2:9092", "--producer-property", "acks=1");

        assertThat(clients.producerProps).containsEntry("bootstrap.servers", "b1:9092,b2:9092")
                .containsEntry("acks", "1");
    }

    @Test
    void commandConfigSuppliesBootstrapUnlessTheOptionIsGiven(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("client.properties"), "bootstrap.servers=file:9092\nlinger.ms=7\n");

        produce("", "produce", "t", "--command-config", config.toString());
        assertThat(clients.producerProps).containsEntry("bootstrap.servers", "file:9092").containsEntry("linger.ms", "7");

        TestClients other = new TestClients();
        CliRun.run(other, Time.SYSTEM, "", "produce", "t", "--command-config", config.toString(),
                "--bootstrap-server", "option:9092");
        assertThat(other.producerProps).containsEntry("bootstrap.servers", "option:9092");
    }

    @Test
    void sendFailureIsOneLine() {
        clients.producer.sendException = new RecordTooLargeException("The message is 2000000 bytes when serialized");

        CliRun.Result result = produce("big\n", "produce", "t");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly("runnel: The message is 2000000 bytes when serialized");
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertUsage(produce("", "produce", "t", "--header", "novalue"), "--header");
        assertUsage(produce("", "produce", "t", "--property", "ignore.error=true"), "unsupported --property ignore.error");
        assertUsage(produce("", "produce", "t", "--partition", "-1"), "--partition");
        assertUsage(produce("", "produce"), "TOPIC");
        assertThat(clients.producer.history()).isEmpty();
    }

    private static void assertUsage(CliRun.Result result, String fragment) {
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.errLines()).singleElement().asString().startsWith("runnel: ").contains(fragment);
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
