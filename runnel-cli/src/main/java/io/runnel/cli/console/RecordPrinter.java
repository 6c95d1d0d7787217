package io.runnel.cli.console;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a record as one line, fields in kafka-console-consumer's order: headers
 * ({@code k:v,k2:v2} or {@code NO_HEADERS}), key, value, separated by the key separator. Key and
 * value bytes are written as they are (UTF-8 text stays UTF-8); a null key or value prints "null".
 * Not thread-safe; the caller flushes.
 */
final class RecordPrinter {
    private static final byte[] NULL = "null".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NO_HEADERS = "NO_HEADERS".getBytes(StandardCharsets.UTF_8);

    private final OutputStream out;
    private final boolean printHeaders;
    private final boolean printKey;
    private final byte[] separator;

    RecordPrinter(OutputStream out, boolean printHeaders, boolean printKey, String separator) {
        this.out = out;
        this.printHeaders = printHeaders;
        this.printKey = printKey;
        this.separator = separator.getBytes(StandardCharsets.UTF_8);
    }

    void print(ConsumerRecord<byte[], byte[]> record) throws IOException {
        if (printHeaders) {
            printHeaders(record.headers().toArray());
            out.write(separator);
        }
        if (printKey) {
            writeNullable(record.key());
            out.write(separator);
        }
        writeNullable(record.value());
        out.write('\n');
    }

    private void printHeaders(Header[] headers) throws IOException {
        if (headers.length == 0) {
            out.write(NO_HEADERS);
            return;
        }
        for (int i = 0; i < headers.length; i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(headers[i].key().getBytes(StandardCharsets.UTF_8));
            out.write(':');
            writeNullable(headers[i].value());
        }
    }

    private void writeNullable(byte[] bytes) throws IOException {
        out.write(bytes == null ? NULL : bytes);
    }
}
