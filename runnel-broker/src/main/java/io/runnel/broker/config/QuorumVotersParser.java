package io.runnel.broker.config;

import org.apache.kafka.common.config.ConfigException;

import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code controller.quorum.voters}: comma-separated {@code id@host:port}, host possibly an
 * IPv6 literal in brackets. Addresses stay unresolved: resolution happens when connecting.
 */
final class QuorumVotersParser {
    static final String KEY = "controller.quorum.voters";
    private static final Pattern VOTER = Pattern.compile("^(-?[0-9]+)@\\[?([0-9a-zA-Z\\-%._:]+?)]?:([0-9]+)$");

    private QuorumVotersParser() {
    }

    /** Voters in the order given, by node id. */
    static Map<Integer, InetSocketAddress> parse(List<String> values) {
        String raw = String.join(",", values);
        if (values.isEmpty()) {
            throw new ConfigException(KEY, raw, "at least one voter id@host:port is needed");
        }
        Map<Integer, InetSocketAddress> voters = new LinkedHashMap<>();
        for (String value : values) {
            Matcher m = VOTER.matcher(value.trim());
            if (!m.matches()) {
                throw new ConfigException(KEY, raw, "voter '" + value + "' is not id@host:port");
            }
            int id = parseInt(m.group(1), raw);
            int port = parseInt(m.group(3), raw);
            if (id < 0) {
                throw new ConfigException(KEY, raw, "voter id " + id + " is negative");
            }
            if (port > 65535) {
                throw new ConfigException(KEY, raw, "port " + port + " of voter " + id + " is not in 0..65535");
            }
            if (voters.putIfAbsent(id, InetSocketAddress.createUnresolved(m.group(2), port)) != null) {
                throw new ConfigException(KEY, raw, "voter id " + id + " appears twice");
            }
        }
        return Collections.unmodifiableMap(voters);
    }

    private static int parseInt(String digits, String raw) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new ConfigException(KEY, raw, "'" + digits + "' is not a valid int");
        }
    }
}
