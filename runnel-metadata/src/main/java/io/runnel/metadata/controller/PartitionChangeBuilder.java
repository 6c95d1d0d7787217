package io.runnel.metadata.controller;

import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.record.PartitionChangeRecord;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.IntPredicate;

/**
 * Computes one partition's change record: its new ISR, eligible leader replicas (ELR), last
 * known leader and leader, with the epochs (Kafka 4.4's PartitionChangeBuilder with
 * {@code eligible.leader.replicas.version=1}, the default of new clusters since 4.1). In order:
 * <ol>
 *   <li><b>ELR</b> (KIP-966). While the target ISR has at least the effective
 *       {@code min.insync.replicas} members, the ELR is empty. Below it, the ELR is the current
 *       ELR plus the current ISR, less the target ISR and a replica that stopped uncleanly, in
 *       broker id order: a replica leaving an ISR already below min ISR holds every committed
 *       record (the high watermark does not move while the ISR is below min ISR), so it may lead
 *       later without losing any; one rejoining the ISR leaves the ELR. ISR and ELR never share
 *       a member, so together they are at most the replicas.</li>
 *   <li><b>Election.</b> A valid leader is live (registered, unfenced, not the replica that
 *       stopped uncleanly) and in the target ISR, or in the ELR when the target ISR is empty.
 *       ONLINE and UNCLEAN keep a valid current leader, else take the first valid replica in
 *       replica order; PREFERRED tries the first replica before those. An ELR member elected
 *       leaves the ELR and becomes the whole ISR (a clean election). With no valid leader, an
 *       empty ISR and ELR, the last known leader (below) is elected if it is live, uncleanly;
 *       then, for UNCLEAN only, the first live replica. An unclean election makes the ISR just
 *       the new leader and empties the ELR: records the new leader lacks are lost.</li>
 *   <li><b>Last known leader</b> ({@code lastKnownElr}, Kafka's "balanced recovery"): when the
 *       ISR becomes empty it is set to the leader before the change (kept if it already names
 *       it); once the partition has a leader it is cleared.</li>
 *   <li><b>Epochs.</b> Any change bumps the partition epoch once; a change of leader also bumps
 *       the leader epoch once. The ISR may become empty (its last member fenced): the partition
 *       then has no leader until an ELR member or the last known leader returns.</li>
 * </ol>
 * Single use; not thread-safe (the controller thread builds and drops it).
 */
final class PartitionChangeBuilder {
    private static final Logger log = LoggerFactory.getLogger(PartitionChangeBuilder.class);
    /** Which leaders an election may pick (Kafka's PartitionChangeBuilder.Election). */
    enum Election {
        /** The first replica if valid, else as ONLINE. */
        PREFERRED,
        /** Keep the partition led from the ISR (or the ELR when the ISR is empty). */
        ONLINE,
        /** As ONLINE, then any live replica (unclean.leader.election.enable, or ElectLeaders UNCLEAN). */
        UNCLEAN
    }

    private final Uuid topicId;
    private final int partitionId;
    private final PartitionRegistration current;
    private final IntPredicate isLive;
    private final int minIsr;
    private List<Integer> targetIsr;
    private Election election = Election.ONLINE;
    private int uncleanShutdownReplica = PartitionLeadership.NO_LEADER;
    /** Set by {@link #electLeader} when the leader it returns is not known to hold every committed record. */
    private boolean uncleanElection;

    /**
     * @param isLive whether a broker is registered and unfenced
     * @param minIsr the topic's effective {@code min.insync.replicas} (capped at the replication factor)
     */
    PartitionChangeBuilder(Uuid topicId, int partitionId, PartitionRegistration current, IntPredicate isLive,
                           int minIsr) {
        this.topicId = topicId;
        this.partitionId = partitionId;
        this.current = current;
        this.isLive = isLive;
        this.minIsr = minIsr;
        this.targetIsr = current.isr();
    }

    /** The ISR before the election (default: the current one). */
    PartitionChangeBuilder targetIsr(List<Integer> isr) {
        this.targetIsr = List.copyOf(isr);
        return this;
    }

    PartitionChangeBuilder election(Election election) {
        this.election = election;
        return this;
    }

    /** A replica whose broker restarted after an unclean shutdown: it leaves the ISR and the ELR and may not lead. */
    PartitionChangeBuilder uncleanShutdown(int brokerId) {
        this.uncleanShutdownReplica = brokerId;
        this.targetIsr = targetIsr.stream().filter(id -> id != brokerId).toList();
        return this;
    }

    /** The change record, or empty when nothing changes. */
    Optional<PartitionChangeRecord> build() {
        List<Integer> isr = targetIsr;
        List<Integer> elr = targetElr();
        int leader = electLeader(isr, elr);
        if (leader != current.leader() && uncleanElection) {
            isr = List.of(leader);
            elr = List.of();
        } else if (leader != current.leader() && elr.contains(leader)) {
            isr = List.of(leader);
            elr = without(elr, leader);
        }
        List<Integer> lastKnownElr = current.lastKnownElr();
        if (isr.isEmpty() && !current.isr().isEmpty() && current.leader() != PartitionLeadership.NO_LEADER) {
            lastKnownElr = List.of(current.leader());
        } else if (leader != PartitionLeadership.NO_LEADER) {
            lastKnownElr = List.of();
        }
        boolean leaderChanges = leader != current.leader();
        if (!leaderChanges && isr.equals(current.isr()) && elr.equals(current.elr())
                && lastKnownElr.equals(current.lastKnownElr())) {
            return Optional.empty();
        }
        if (uncleanElection) {
            log.info("Unclean election of broker {} as leader of {}-{} (ISR was {})", leader,
                    topicId, partitionId, current.isr());
        }
        return Optional.of(new PartitionChangeRecord(topicId, partitionId, isr, leader,
                leaderChanges ? current.leaderEpoch() + 1 : current.leaderEpoch(), current.partitionEpoch() + 1,
                elr, lastKnownElr));
    }

    private List<Integer> targetElr() {
        if (targetIsr.size() >= minIsr) {
            return List.of();
        }
        TreeSet<Integer> candidates = new TreeSet<>(current.elr());
        candidates.addAll(current.isr());
        candidates.removeAll(targetIsr);
        candidates.remove(uncleanShutdownReplica);
        return List.copyOf(candidates);
    }

    private int electLeader(List<Integer> isr, List<Integer> elr) {
        List<Integer> replicas = current.replicas();
        if (election == Election.PREFERRED && isValidLeader(replicas.get(0), isr, elr)) {
            return replicas.get(0);
        }
        if (isValidLeader(current.leader(), isr, elr)) {
            return current.leader();
        }
        for (int replica : replicas) {
            if (isValidLeader(replica, isr, elr)) {
                return replica;
            }
        }
        List<Integer> lastKnown = current.lastKnownElr();
        if (isr.isEmpty() && elr.isEmpty() && lastKnown.size() == 1 && isAcceptable(lastKnown.get(0))) {
            uncleanElection = true;
            return lastKnown.get(0);
        }
        if (election == Election.UNCLEAN) {
            for (int replica : replicas) {
                if (isAcceptable(replica)) {
                    uncleanElection = true;
                    return replica;
                }
            }
        }
        return PartitionLeadership.NO_LEADER;
    }

    private boolean isValidLeader(int replica, List<Integer> isr, List<Integer> elr) {
        return (isr.contains(replica) || isr.isEmpty() && elr.contains(replica)) && isAcceptable(replica);
    }

    private boolean isAcceptable(int replica) {
        return replica != PartitionLeadership.NO_LEADER && replica != uncleanShutdownReplica && isLive.test(replica);
    }

    private static List<Integer> without(List<Integer> ids, int id) {
        List<Integer> rest = new ArrayList<>(ids);
        rest.remove(Integer.valueOf(id));
        return List.copyOf(rest);
    }
}
