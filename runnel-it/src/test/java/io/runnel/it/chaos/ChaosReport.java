package io.runnel.it.chaos;

import java.time.Duration;
import java.time.LocalTime;
import java.util.Map;

/**
 * What one {@link ChaosIT} run did: the faults injected by kind (and how many SIGTERMs did not
 * end in a clean exit), the records acknowledged to the
 * producers, the records checked (read back from the final logs), the sends that failed after
 * the producers' retries, the longest time without any acknowledgement and when it began (wall
 * clock of the test JVM, to match the fault lines printed), and the seed that replays
 * the fault schedule ({@code -Dchaos.seed=...}).
 */
record ChaosReport(long seed, Duration faultTime, Map<Fault, Integer> faults, int uncleanStops, long acknowledged, long checked,
                   long consumed, long sendErrors, Duration longestUnavailability, LocalTime longestUnavailabilityFrom) {

    @Override
    public String toString() {
        return "chaos run: seed " + seed + ", faults for " + faultTime.toSeconds() + " s " + faults
                + " (SIGTERM exits other than 143: " + uncleanStops + ")"
                + ", acknowledged " + acknowledged + ", checked " + checked + " (consumers read " + consumed
                + "), send errors " + sendErrors + ", longest unavailability " + longestUnavailability.toMillis() + " ms (from "
                + longestUnavailabilityFrom + ")";
    }
}
