package io.runnel.metadata.controller;

import io.runnel.metadata.BrokerHeartbeat;
import io.runnel.metadata.BrokerHeartbeatReply;
import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.image.ImageBuilder;
import io.runnel.metadata.raft.RaftNode;
import io.runnel.metadata.record.BrokerFencingRecord;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.PartitionChangeRecord;
import io.runnel.metadata.record.RegisterBrokerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Broker sessions on the active controller (Kafka's BrokerHeartbeatManager plus the fencing rules
 * of ClusterControlManager): when each broker was last heard from, and the records that register,
 * fence and unfence brokers.
 *
 * <p>Contact times live only in memory (monotonic {@link Time#nanoseconds()}); a newly active
 * controller starts every registered broker's session afresh ({@link #activate}), so a failover
 * never fences a live broker. The previous leader's broker is the exception: the followers heard
 * nothing from it for at least the election timeout before electing this node, so its session
 * starts that much in the past and a killed controller node is fenced about one session timeout
 * after it died rather than after the election. Another exception, for a quorum of one voter: every registration then
 * goes through this node's controller, so one of this node's own id with an incarnation not
 * registered through this object belongs to an earlier process of this node (killed without its
 * shutdown heartbeat); its session counts as expired and the restarted broker can register at
 * once instead of waiting out the timeout. With several voters the node's broker may have
 * registered through another controller, so there is no exception. A session is valid
 * while the broker is unfenced and was heard from within the session timeout. Every fencing and
 * unfencing is written together with the leader and ISR changes it causes
 * ({@link PartitionLeadership}), so a fenced broker never leads a partition in any image.
 *
 * <p>Not thread-safe: confined to the controller thread.
 */
final class BrokerSessions {
    private static final Logger log = LoggerFactory.getLogger(BrokerSessions.class);
    private static final long PREVIOUS_LEADER_SILENCE_NS = TimeUnit.MILLISECONDS.toNanos(RaftNode.MIN_ELECTION_TIMEOUT_MS);
    private static final long STUCK_HEARTBEAT_NS = TimeUnit.MILLISECONDS.toNanos(RaftNode.FORWARD_TIMEOUT_MS);

    private final Time time;
    private final long sessionTimeoutNs;
    private final int localNodeId;
    private final PartitionLeadership leadership;
    private final Map<Integer, Long> lastContactNs = new HashMap<>();
    /** The incarnation of {@code localNodeId} last registered through this object; null before. */
    private Uuid localIncarnationId;

    /**
     * @param localNodeId the node id of this process, when this controller is the only voter of
     *     the quorum (so this node's broker always registers through it); -1 otherwise
     * @param leadership moves partition leadership and ISR membership when brokers are fenced and unfenced
     */
    BrokerSessions(Time time, long sessionTimeoutMs, int localNodeId, PartitionLeadership leadership) {
        this.time = time;
        this.localNodeId = localNodeId;
        this.leadership = leadership;
        this.sessionTimeoutNs = TimeUnit.MILLISECONDS.toNanos(sessionTimeoutMs);
    }

    /**
     * This controller became active with {@code image}: every registered broker's session starts
     * now, the previous leader's {@link RaftNode#MIN_ELECTION_TIMEOUT_MS} earlier. After a
     * failover (a previous leader is known) the other brokers' sessions start
     * {@link RaftNode#FORWARD_TIMEOUT_MS} later: their heartbeats may be stuck that long at
     * a previous leader that froze or was cut off, and must not cost them their session
     * (so a session lasts at most {@link io.runnel.metadata.Controller#longestSilentSessionMs}).
     */
    void activate(MetadataImage image, int previousLeaderId) {
        lastContactNs.clear();
        long now = time.nanoseconds();
        long othersStart = previousLeaderId < 0 ? now : now + STUCK_HEARTBEAT_NS;
        for (BrokerRegistration broker : image.brokers().values()) {
            boolean earlierProcess = broker.id() == localNodeId && !broker.incarnationId().equals(localIncarnationId);
            long lastContact = earlierProcess ? now - sessionTimeoutNs - 1
                    : broker.id() == previousLeaderId ? now - PREVIOUS_LEADER_SILENCE_NS : othersStart;
            lastContactNs.put(broker.id(), lastContact);
        }
    }

    /**
     * Registers a broker, fenced; refused (DUPLICATE_BROKER_REGISTRATION) while another
     * incarnation of its id has a valid session. A new incarnation of a registered node id whose
     * previous process did not stop cleanly leaves every ISR and ELR
     * ({@link PartitionLeadership#afterUncleanShutdown}), in the same batch.
     */
    ControllerResult<Errors> register(MetadataImage image, BrokerRegistration registration, boolean cleanShutdown) {
        BrokerRegistration existing = image.brokers().get(registration.id());
        if (existing != null && !existing.incarnationId().equals(registration.incarnationId())
                && hasValidSession(existing)) {
            return new ControllerResult<>(List.of(), Errors.DUPLICATE_BROKER_REGISTRATION);
        }
        lastContactNs.put(registration.id(), time.nanoseconds());
        if (registration.id() == localNodeId) {
            localIncarnationId = registration.incarnationId();
        }
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new RegisterBrokerRecord(registration.withFenced(true)));
        if (existing != null && !existing.fenced()) {
            // Replaces a live-looking registration (an earlier process): as fencing it.
            records.addAll(leadership.afterFencing(ImageBuilder.apply(image, records, image.offset()), registration.id()));
        }
        if (existing != null && !existing.incarnationId().equals(registration.incarnationId()) && !cleanShutdown) {
            log.info("Broker {} restarted after an unclean shutdown: it leaves every ISR and ELR", registration.id());
            records.addAll(leadership.afterUncleanShutdown(ImageBuilder.apply(image, records, image.offset()),
                    registration.id()));
        }
        return new ControllerResult<>(records, Errors.NONE);
    }

    /** @param committedOffset the controller's last committed metadata offset: "caught up" means reaching it */
    ControllerResult<BrokerHeartbeatReply> heartbeat(MetadataImage image, BrokerHeartbeat heartbeat,
                                                     long committedOffset) {
        BrokerRegistration broker = image.brokers().get(heartbeat.brokerId());
        if (broker == null || !broker.incarnationId().equals(heartbeat.incarnationId())) {
            return new ControllerResult<>(List.of(), new BrokerHeartbeatReply(Errors.STALE_BROKER_EPOCH, true, false));
        }
        lastContactNs.put(broker.id(), time.nanoseconds());
        boolean fence = heartbeat.wantFence() || heartbeat.wantShutDown();
        boolean caughtUp = heartbeat.metadataOffset() >= committedOffset;
        boolean fenced = fence || (broker.fenced() && !caughtUp);
        List<MetadataRecord> records = new ArrayList<>();
        if (!heartbeat.failedReplicas().isEmpty()) {
            List<PartitionChangeRecord> moves = leadership.afterReplicaFailures(image, broker.id(),
                    heartbeat.failedReplicas());
            if (!moves.isEmpty()) {
                log.warn("Broker {} could not write its replicas of {}: moving them out of ISRs and leadership",
                        broker.id(), heartbeat.failedReplicas());
            }
            records.addAll(moves);
        }
        if (fenced != broker.fenced()) {
            records.addAll(fencing(ImageBuilder.apply(image, records, image.offset()), broker, fenced));
        }
        return new ControllerResult<>(records, new BrokerHeartbeatReply(Errors.NONE, fenced, heartbeat.wantShutDown()));
    }

    /**
     * Fences every unfenced broker whose session expired, and every one silent for half its
     * session on both paths: no heartbeat, and no answer to the Raft leader
     * ({@code raftSilenceMs}, by node id, for the nodes the quorum replicates to). Both at once
     * mean a killed, frozen or cut-off node, so its partitions need not wait out the whole session.
     */
    ControllerResult<Void> expire(MetadataImage image, Map<Integer, Long> raftSilenceMs) {
        List<MetadataRecord> records = new ArrayList<>();
        long now = time.nanoseconds();
        MetadataImage current = image;
        for (BrokerRegistration broker : image.brokers().values()) {
            long silentNs = now - lastContactNs.computeIfAbsent(broker.id(), id -> now);
            long raftSilentNs = TimeUnit.MILLISECONDS.toNanos(raftSilenceMs.getOrDefault(broker.id(), 0L));
            boolean expired = silentNs > sessionTimeoutNs;
            boolean gone = silentNs > sessionTimeoutNs / 2 && raftSilentNs > sessionTimeoutNs / 2;
            if (!broker.fenced() && (expired || gone)) {
                log.info("Fencing broker {}: no heartbeat for {} ms{} (broker.session.timeout.ms {})", broker.id(),
                        TimeUnit.NANOSECONDS.toMillis(silentNs),
                        expired ? "" : ", no answer to Raft for " + TimeUnit.NANOSECONDS.toMillis(raftSilentNs) + " ms",
                        TimeUnit.NANOSECONDS.toMillis(sessionTimeoutNs));
                List<MetadataRecord> fencing = fencing(current, broker, true);
                records.addAll(fencing);
                current = ImageBuilder.apply(current, fencing, current.offset());
            }
        }
        return new ControllerResult<>(records, null);
    }

    /** The fencing record of {@code broker} and the partition changes it causes, in one batch. */
    private List<MetadataRecord> fencing(MetadataImage image, BrokerRegistration broker, boolean fenced) {
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new BrokerFencingRecord(broker.id(), broker.incarnationId(), fenced));
        MetadataImage after = ImageBuilder.apply(image, records, image.offset());
        records.addAll(fenced ? leadership.afterFencing(after, broker.id()) : leadership.afterUnfencing(after, broker.id()));
        return records;
    }

    private boolean hasValidSession(BrokerRegistration broker) {
        Long last = lastContactNs.get(broker.id());
        return !broker.fenced() && last != null && time.nanoseconds() - last <= sessionTimeoutNs;
    }
}
