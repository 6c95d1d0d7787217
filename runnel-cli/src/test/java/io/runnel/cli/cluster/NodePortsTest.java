package io.runnel.cli.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class NodePortsTest {

    @Test
    void nodesTakeKafkasPortPairsFromTheBase() {
        List<NodePorts> plan = NodePorts.plan(3, 9092, port -> true, () -> {
            throw new AssertionError("no substitute needed");
        });

        assertThat(plan).containsExactly(
                new NodePorts(1, 9092, 9093, 9092, 9093),
                new NodePorts(2, 9094, 9095, 9094, 9095),
                new NodePorts(3, 9096, 9097, 9096, 9097));
    }

    @Test
    void aTakenPortIsReplacedByAFreeOneThatNoOtherNodeWants() {
        Set<Integer> taken = Set.of(9092, 9095);
        // The OS first offers ports the plan wants for other nodes (9094, 9097), then free ones.
        PortOffers offers = new PortOffers(9094, 9097, 40001, 40002);

        List<NodePorts> plan = NodePorts.plan(3, 9092, port -> !taken.contains(port), offers::next);

        assertThat(plan).containsExactly(
                new NodePorts(1, 40001, 9093, 9092, 9093),
                new NodePorts(2, 9094, 40002, 9094, 9095),
                new NodePorts(3, 9096, 9097, 9096, 9097));
        assertThat(plan.stream().flatMapToInt(p -> IntStream.of(p.client(), p.controller())).distinct().count()).isEqualTo(6);
        assertThat(NodePorts.describe(40001, 9092)).isEqualTo("40001 (9092 was taken)");
        assertThat(NodePorts.describe(9093, 9093)).isEqualTo("9093");
    }

    /** Hands out the given ports in order. */
    private static final class PortOffers {
        private final int[] ports;
        private int next;

        PortOffers(int... ports) {
            this.ports = ports;
        }

        int next() {
            return ports[next++];
        }
    }
}
