package io.runnel.broker.internal;

import java.util.function.BiConsumer;
import java.util.function.IntConsumer;

/**
 * What a coordinator must hear of its internal topic's leadership: the group and transaction
 * coordinators both load a partition's state when this broker is elected its leader and drop it
 * when the broker resigns.
 */
public interface CoordinatorElections {

    /**
     * This broker leads {@code partition} from {@code leaderEpoch} on (the coordinator epoch).
     * Called again with a known epoch, which must be ignored.
     */
    void onElection(int partition, int leaderEpoch);

    /** This broker no longer leads {@code partition}. */
    void onResignation(int partition);

    /** From a coordinator's two methods, e.g. {@code of(groups::onElection, groups::onResignation)}. */
    static CoordinatorElections of(BiConsumer<Integer, Integer> onElection, IntConsumer onResignation) {
        return new CoordinatorElections() {
            @Override
            public void onElection(int partition, int leaderEpoch) {
                onElection.accept(partition, leaderEpoch);
            }

            @Override
            public void onResignation(int partition) {
                onResignation.accept(partition);
            }
        };
    }
}
