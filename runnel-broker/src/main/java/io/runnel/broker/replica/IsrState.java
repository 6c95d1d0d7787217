package io.runnel.broker.replica;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The ISR a leader works with: the committed one (from the metadata image or the controller's
 * last AlterPartition answer) and, while an AlterPartition is in flight, the proposed one.
 *
 * <p>While a change is pending the high watermark uses the maximal ISR, the union of both:
 * a shrink must not let the high watermark pass data the removed replica lacks before the
 * controller has committed it, and an expansion counts the new member at once (it is caught up).
 * Immutable.
 *
 * @param isr the committed ISR
 * @param partitionEpoch the partition epoch of the committed ISR
 * @param proposedIsr the ISR sent to the controller, or null when nothing is in flight
 */
record IsrState(List<Integer> isr, int partitionEpoch, List<Integer> proposedIsr) {

    static IsrState committed(List<Integer> isr, int partitionEpoch) {
        return new IsrState(List.copyOf(isr), partitionEpoch, null);
    }

    IsrState propose(List<Integer> newIsr) {
        return new IsrState(isr, partitionEpoch, List.copyOf(newIsr));
    }

    boolean isPending() {
        return proposedIsr != null;
    }

    Set<Integer> maximalIsr() {
        Set<Integer> maximal = new LinkedHashSet<>(isr);
        if (proposedIsr != null) {
            maximal.addAll(proposedIsr);
        }
        return maximal;
    }
}
