package io.runnel.broker.config;

import io.runnel.broker.config.BrokerConfig.Listener;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.SecurityProtocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Kafka's listener syntax: {@code NAME://host:port} (host may be empty, or an IPv6 literal
 * in brackets) and the {@code NAME:PROTOCOL} security protocol map. Listener names are
 * case-insensitive in Kafka; they are upper-cased here.
 */
final class ListenerParser {
    private static final Pattern LISTENER = Pattern.compile("^([^:/]+)://\\[?([0-9a-zA-Z\\-%._:]*?)]?:(-?[0-9]+)$");

    private ListenerParser() {
    }

    /** Parses {@code NAME:PROTOCOL,...}; each protocol must be one Kafka knows. */
    static Map<String, String> protocolMap(String key, String value) {
        Map<String, String> map = new LinkedHashMap<>();
        if (value == null || value.isBlank()) {
            return map;
        }
        for (String entry : value.split(",")) {
            String[] parts = entry.trim().split(":");
            if (parts.length != 2 || parts[0].isBlank()) {
                throw new ConfigException(key, value, "entry '" + entry.trim() + "' is not NAME:PROTOCOL");
            }
            String protocol = parts[1].trim().toUpperCase(Locale.ROOT);
            if (!SecurityProtocol.names().contains(protocol)) {
                throw new ConfigException(key, value, "unknown security protocol " + parts[1].trim()
                        + " (known: " + String.join(", ", SecurityProtocol.names()) + ")");
            }
            map.put(normalise(parts[0]), protocol);
        }
        return map;
    }

    /**
     * Parses a listener list. A listener's protocol comes from {@code protocols}; a controller
     * listener missing from a map the user did not set defaults to PLAINTEXT, as in Kafka.
     */
    static List<Listener> listeners(String key, List<String> values, Map<String, String> protocols,
                                    boolean protocolMapExplicit, Set<String> controllerNames) {
        List<Listener> listeners = new ArrayList<>();
        for (String value : values) {
            Matcher m = LISTENER.matcher(value.trim());
            if (!m.matches()) {
                throw new ConfigException(key, String.join(",", values),
                        "listener '" + value + "' is not NAME://host:port");
            }
            String name = normalise(m.group(1));
            int port = Integer.parseInt(m.group(3));
            if (port < 0 || port > 65535) {
                throw new ConfigException(key, String.join(",", values), "port " + port + " of " + name + " is not in 0..65535");
            }
            if (listeners.stream().anyMatch(l -> l.name().equals(name))) {
                throw new ConfigException(key, String.join(",", values), "listener name " + name + " is used twice");
            }
            String protocol = protocols.get(name);
            if (protocol == null && !protocolMapExplicit && controllerNames.contains(name)) {
                protocol = SecurityProtocol.PLAINTEXT.name;
            }
            if (protocol == null) {
                throw new ConfigException("listener " + name + " in " + key
                        + " has no security protocol in listener.security.protocol.map"
                        + (protocolMapExplicit ? "" : " and is not in controller.listener.names="
                        + String.join(",", controllerNames)));
            }
            listeners.add(new Listener(name, m.group(2), port, protocol));
        }
        return List.copyOf(listeners);
    }

    static String normalise(String listenerName) {
        return listenerName.trim().toUpperCase(Locale.ROOT);
    }
}
