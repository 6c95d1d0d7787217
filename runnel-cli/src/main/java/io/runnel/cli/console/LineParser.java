package io.runnel.cli.console;

import io.runnel.cli.InputError;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns one input line into a record: the whole line is the value, or, with a key separator,
 * the text before its first occurrence is the key and the rest the value. Every record gets the
 * same headers and, if given, the same partition. A line without the separator is an error, as
 * in kafka-console-producer.
 */
final class LineParser {
    private final String topic;
    private final Integer partition;
    private final String keySeparator;
    private final List<Header> headers;

    /**
     * @param partition null to let the producer's partitioner choose
     * @param keySeparator null when lines carry no key
     */
    LineParser(String topic, Integer partition, String keySeparator, List<Header> headers) {
        this.topic = topic;
        this.partition = partition;
        this.keySeparator = keySeparator;
        this.headers = List.copyOf(headers);
    }

    /** @param lineNumber 1-based, for the error message */
    ProducerRecord<byte[], byte[]> parse(String line, long lineNumber) {
        byte[] key = null;
        String value = line;
        if (keySeparator != null) {
            int at = line.indexOf(keySeparator);
            if (at < 0) {
                throw new InputError("no key separator '" + printable(keySeparator) + "' on line " + lineNumber);
            }
            key = utf8(line.substring(0, at));
            value = line.substring(at + keySeparator.length());
        }
        return new ProducerRecord<>(topic, partition, key, utf8(value), headers);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String printable(String separator) {
        return separator.replace("\t", "\\t");
    }
}
