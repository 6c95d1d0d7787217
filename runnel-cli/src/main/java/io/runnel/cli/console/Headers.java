package io.runnel.cli.console;

import io.runnel.cli.UsageError;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Parses {@code --header KEY=VALUE} options (split at the first '='; the value may be empty). */
final class Headers {
    private Headers() {
    }

    static List<Header> parse(List<String> options) {
        return options.stream().map(Headers::parseOne).toList();
    }

    private static Header parseOne(String option) {
        int eq = option.indexOf('=');
        if (eq <= 0) {
            throw new UsageError("--header must be KEY=VALUE, was '" + option + "'");
        }
        return new RecordHeader(option.substring(0, eq), option.substring(eq + 1).getBytes(StandardCharsets.UTF_8));
    }
}
