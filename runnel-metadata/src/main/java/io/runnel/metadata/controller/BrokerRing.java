package io.runnel.metadata.controller;

import io.runnel.metadata.BrokerRegistration;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The usable brokers in rack-alternated order, the ring {@link ReplicaPlacer} walks: racks sorted
 * by name, brokers sorted by id within their rack, then taken one per rack in turn
 * ({@code a0, b0, c0, a1, b1, c1, a2, ...}; a rack that runs out is skipped). Consecutive ring
 * positions therefore alternate racks, so leaders placed on consecutive positions spread over racks
 * as well as brokers. Brokers without a rack form one more rack of their own, sorted first (as in
 * KRaft's placer, which accepts clusters where only some brokers have a rack); when no broker has a
 * rack the ring is simply the brokers sorted by id.
 *
 * <p>Immutable.
 */
final class BrokerRing {
    private final int[] brokers;
    private final int[] racks;
    private final int rackCount;

    private BrokerRing(int[] brokers, int[] racks, int rackCount) {
        this.brokers = brokers;
        this.racks = racks;
        this.rackCount = rackCount;
    }

    static BrokerRing of(List<BrokerRegistration> registrations) {
        Map<String, List<Integer>> byRack = new TreeMap<>(Comparator.nullsFirst(Comparator.<String>naturalOrder()));
        for (BrokerRegistration broker : registrations) {
            byRack.computeIfAbsent(broker.rack(), r -> new ArrayList<>()).add(broker.id());
        }
        List<List<Integer>> rackMembers = new ArrayList<>(byRack.values());
        rackMembers.forEach(members -> members.sort(null));
        int[] brokers = new int[registrations.size()];
        int[] racks = new int[registrations.size()];
        int position = 0;
        for (int round = 0; position < brokers.length; round++) {
            for (int rack = 0; rack < rackMembers.size(); rack++) {
                List<Integer> members = rackMembers.get(rack);
                if (round < members.size()) {
                    brokers[position] = members.get(round);
                    racks[position] = rack;
                    position++;
                }
            }
        }
        return new BrokerRing(brokers, racks, rackMembers.size());
    }

    int size() {
        return brokers.length;
    }

    /** The broker id at a ring position, {@code 0 <= position < size()}. */
    int broker(int position) {
        return brokers[position];
    }

    /** The rack of the broker at a ring position, as an index {@code 0 <= rack < rackCount()}. */
    int rack(int position) {
        return racks[position];
    }

    /** Distinct racks, counting "no rack" as one when some broker has none. */
    int rackCount() {
        return rackCount;
    }

    /** The ring position of a broker, or -1 if it is not on the ring. */
    int positionOf(int broker) {
        for (int position = 0; position < brokers.length; position++) {
            if (brokers[position] == broker) {
                return position;
            }
        }
        return -1;
    }
}
