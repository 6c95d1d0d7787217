package io.runnel.cli.console;

import io.runnel.cli.UsageError;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StartPositionTest {

    @Test
    void offsetWords() {
        assertThat(StartPosition.ofOffset("earliest")).isEqualTo(new StartPosition.Earliest());
        assertThat(StartPosition.ofOffset("latest")).isEqualTo(new StartPosition.Latest());
        assertThat(StartPosition.ofOffset("42")).isEqualTo(new StartPosition.AtOffset(42));
        assertThatThrownBy(() -> StartPosition.ofOffset("-1")).isInstanceOf(UsageError.class);
        assertThatThrownBy(() -> StartPosition.ofOffset("first")).isInstanceOf(UsageError.class);
    }

    @Test
    void timesInEveryAcceptedForm() {
        long expected = Instant.parse("2026-01-31T12:00:00Z").toEpochMilli();

        assertThat(StartPosition.ofTime("2026-01-31T12:00:00Z")).isEqualTo(new StartPosition.AtTime(expected));
        assertThat(StartPosition.ofTime("2026-01-31T13:00:00+01:00")).isEqualTo(new StartPosition.AtTime(expected));
        assertThat(StartPosition.ofTime("2026-01-31T12:00:00")).isEqualTo(new StartPosition.AtTime(expected));
        assertThat(StartPosition.ofTime(Long.toString(expected))).isEqualTo(new StartPosition.AtTime(expected));
        assertThatThrownBy(() -> StartPosition.ofTime("")).isInstanceOf(UsageError.class);
        assertThatThrownBy(() -> StartPosition.ofTime("99999999999999999999")).isInstanceOf(UsageError.class);
    }

    @Property
    void epochMillisAndIsoInstantsAgree(@ForAll @LongRange(min = 0, max = 253402300799999L) long epochMs) {
        StartPosition fromMillis = StartPosition.ofTime(Long.toString(epochMs));
        StartPosition fromIso = StartPosition.ofTime(Instant.ofEpochMilli(epochMs).toString());

        assertThat(fromIso).isEqualTo(fromMillis).isEqualTo(new StartPosition.AtTime(epochMs));
    }
}
