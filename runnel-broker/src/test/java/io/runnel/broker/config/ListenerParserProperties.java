package io.runnel.broker.config;

import io.runnel.broker.config.BrokerConfig.Listener;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ListenerParserProperties {

    @Property
    void wellFormedListenersRoundTrip(@ForAll("names") String name, @ForAll("hosts") String host,
                                      @ForAll @IntRange(min = 0, max = 65535) int port) {
        String hostPart = host.contains(":") ? "[" + host + "]" : host;

        List<Listener> parsed = ListenerParser.listeners("listeners", List.of(name + "://" + hostPart + ":" + port),
                Map.of(name.toUpperCase(), "PLAINTEXT"), true, Set.of());

        assertThat(parsed).containsExactly(new Listener(name.toUpperCase(), host, port, "PLAINTEXT"));
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withChars('_')
                .ofMinLength(1).ofMaxLength(20);
    }

    @Provide
    Arbitrary<String> hosts() {
        return Arbitraries.oneOf(
                Arbitraries.just(""),
                Arbitraries.of("localhost", "0.0.0.0", "::1", "fe80::1%eth0", "broker-1.example.com"),
                Arbitraries.strings().withCharRange('a', 'z').withChars('-', '.').ofMinLength(1).ofMaxLength(30));
    }
}
