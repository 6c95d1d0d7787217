package io.runnel.storage.cleaner;

import io.runnel.testkit.ManualTime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ThrottlerTest {

    @Test
    void sleepsUntilTheRateIsBackUnderTheLimit() {
        ManualTime time = new ManualTime();
        long start = time.milliseconds();
        Throttler throttler = new Throttler(1000, time);
        for (int i = 0; i < 30; i++) {
            throttler.maybeThrottle(100);
        }
        assertThat(time.milliseconds() - start).as("3000 bytes at 1000 B/s").isBetween(2900L, 3000L);
    }

    @Test
    void anUnlimitedThrottlerNeverSleeps() {
        ManualTime time = new ManualTime();
        long start = time.milliseconds();
        Throttler throttler = new Throttler(Double.MAX_VALUE, time);
        throttler.maybeThrottle(Long.MAX_VALUE / 2);
        assertThat(time.milliseconds()).isEqualTo(start);
    }
}
