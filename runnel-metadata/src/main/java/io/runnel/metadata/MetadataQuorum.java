package io.runnel.metadata;

import io.runnel.metadata.controller.QuorumController;
import io.runnel.metadata.forwarding.ControllerCallHandler;
import io.runnel.metadata.forwarding.ForwardingController;
import io.runnel.metadata.image.ImagePublisher;
import io.runnel.metadata.raft.LogDirFormat;
import io.runnel.metadata.raft.QuorumEvents;
import io.runnel.metadata.raft.RaftNode;
import io.runnel.metadata.raft.RaftTuning;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.Map;

/**
 * This node's member of the metadata quorum: the Ratis server, the replay of committed records
 * into images, and, while this node leads, the active {@link Controller}.
 *
 * <p>Lifecycle: {@link #start} formats the metadata directory on first start, starts the Ratis
 * server (recovering its log) and returns once this node has replayed every record its log says
 * was committed. It does not wait for the other voters: Ratis elects a leader once a majority of
 * {@code controller.quorum.voters} runs. A one-voter quorum is its own majority, so there
 * {@code start} also waits until this node leads and its controller is active.
 *
 * <p>Before a leader exists a node serves its last replayed {@link #image()} (possibly stale,
 * never uncommitted) and calls its listeners; {@link #activeControllerId()} is -1 and
 * {@link #controller()} calls wait (up to 5 s) for an active controller, then fail with
 * {@code NotControllerException} ({@code NOT_CONTROLLER}). Once elected, the leader replays all
 * earlier terms before its controller accepts writes; every other voter forwards controller calls
 * to it, and replays committed records into its image as the leader reports them.
 *
 * <p>A broker-only node is a non-voting LISTENER peer ({@link QuorumMembership#listener}): it
 * replays the log like a voter and forwards every controller call, but never votes nor leads,
 * and the quorum commits without it.
 *
 * <p>{@link #start} throws {@link StartupException} when the log dirs belong to another node or
 * cluster, this node is not a voter (a listener: is one), the Ratis server cannot start, or the replay (or, for one
 * voter, the self-election) takes more than 60 s. {@link #close} stops the controller and the
 * Ratis server, in about a second.
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
public final class MetadataQuorum implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetadataQuorum.class);
    /** How long {@link #start} waits for the replay (and, for one voter, its election) before giving up. */
    private static final long STARTUP_TIMEOUT_MS = 60_000;

    private final int nodeId;
    private final Time time;
    private final ImagePublisher publisher;
    private final QuorumController controller;
    private final ForwardingController forwarding;
    private final Object progress = new Object();
    private volatile int activeControllerId = -1;
    /** The last other node seen leading the quorum (-1 if none): its broker's session gets no fresh start here. */
    private volatile int previousLeaderId = -1;
    /** True once the controller has been told it is active (requests queued after it see that). */
    private volatile boolean controllerActivated;
    private volatile RaftNode raftNode;

    private MetadataQuorum(QuorumSettings settings, Time time, ImagePublisher publisher) {
        this.nodeId = settings.nodeId();
        this.time = time;
        this.publisher = publisher;
        this.controller = new QuorumController(settings, records -> raftNode.append(records), publisher::image,
                this::peerSilenceMs, new SecureRandom(), time);
        this.forwarding = new ForwardingController(controller, () -> controllerActivated,
                call -> raftNode.forward(call), time, RaftNode.FORWARD_TIMEOUT_MS);
    }

    private Map<Integer, Long> peerSilenceMs() {
        RaftNode node = raftNode;
        return node == null ? Map.of() : node.peerSilenceMs();
    }

    /** Starts a combined node (broker and controller): see {@link #start(QuorumSettings, QuorumMembership, Time)}. */
    public static MetadataQuorum start(QuorumSettings settings, Time time) {
        return start(settings, QuorumMembership.COMBINED_VOTER, time);
    }

    /**
     * Starts this node's member of the quorum: a voter, or for a broker-only node a listener peer
     * ({@code membership}), which returns once it replayed its own log; it asks the leader to add
     * it in the background and follows the log from then on.
     */
    public static MetadataQuorum start(QuorumSettings settings, QuorumMembership membership, Time time) {
        return start(settings, membership, time, RaftTuning.DEFAULT);
    }

    /** As {@link #start(QuorumSettings, Time)}, with other log sizes (tests). */
    static MetadataQuorum start(QuorumSettings settings, Time time, RaftTuning tuning) {
        return start(settings, QuorumMembership.COMBINED_VOTER, time, tuning);
    }

    /** As {@link #start(QuorumSettings, QuorumMembership, Time)}, with other log sizes (tests). */
    static MetadataQuorum start(QuorumSettings settings, QuorumMembership membership, Time time, RaftTuning tuning) {
        long startMs = time.milliseconds();
        boolean singleNode = membership.combined() && settings.voters().size() == 1;
        String clusterId = LogDirFormat.ensure(settings.nodeId(), settings.voters(), singleNode, settings.metadataDir(),
                settings.logDirs());
        MetadataQuorum quorum = new MetadataQuorum(settings, time, new ImagePublisher(MetadataImage.empty(clusterId)));
        try {
            quorum.raftNode = RaftNode.start(settings.nodeId(), settings.voters(), membership.listenerAddress(),
                    settings.metadataDir(), clusterId, quorum.publisher, quorum.events(),
                    new ControllerCallHandler(quorum.controller)::handle, tuning);
            quorum.awaitStarted(settings.voters().size() == 1 && !membership.isListener());
            log.info("Joined metadata quorum of cluster {} as a {} in {} ms at offset {}; active controller is {}",
                    clusterId, membership.isListener() ? "listener" : "voter", time.milliseconds() - startMs,
                    quorum.image().offset(), quorum.activeControllerId);
            return quorum;
        } catch (RuntimeException e) {
            quorum.close();
            throw e;
        }
    }

    /** The latest replayed image. */
    public MetadataImage image() {
        return publisher.image();
    }

    /** Adds a listener; it is called at once with (empty, current image), then on every change. */
    public void addListener(MetadataListener listener) {
        publisher.addListener(listener);
    }

    /**
     * The controller API, on every voter: calls run in-process while this node's controller is
     * the active one, and are forwarded to the leader otherwise. A call fails with
     * NotControllerException when no active controller answered within 5 s (no majority, or an
     * election that takes longer).
     */
    public Controller controller() {
        return forwarding;
    }

    /**
     * Node id of the Raft leader, or -1 while none is known. Its controller becomes active once it
     * has replayed the earlier terms, so a write sent there right after an election may still get
     * {@code NotControllerException}.
     */
    public int activeControllerId() {
        return activeControllerId;
    }

    @Override
    public void close() {
        long startMs = time.milliseconds();
        forwarding.close();
        controller.close();
        RaftNode node = raftNode;
        if (node != null) {
            node.close();
        }
        log.info("Closed metadata quorum member in {} ms", time.milliseconds() - startMs);
    }

    private QuorumEvents events() {
        return new QuorumEvents() {
            @Override
            public void onLeaderReady() {
                controller.becomeActive(previousLeaderId);
                controllerActivated = true;
            }

            @Override
            public void onLeaderChanged(int leaderId) {
                if (leaderId != nodeId && leaderId >= 0) {
                    previousLeaderId = leaderId;
                }
                activeControllerId = leaderId;
                if (leaderId != nodeId) {
                    controllerActivated = false;
                    controller.becomeInactive();
                }
            }

            @Override
            public void onProgress() {
                synchronized (progress) {
                    progress.notifyAll();
                }
            }
        };
    }

    /** Waits for the local replay and, if {@code selfElect}, for this node to lead with its controller active. */
    private void awaitStarted(boolean selfElect) {
        long deadline = time.milliseconds() + STARTUP_TIMEOUT_MS;
        synchronized (progress) {
            while (!raftNode.hasReplayedCommitted() || (selfElect && !controllerActivated)) {
                long remaining = deadline - time.milliseconds();
                if (remaining <= 0) {
                    throw new StartupException((selfElect ? "Not elected leader of the one-voter metadata quorum"
                            : "Metadata log not replayed") + " within " + STARTUP_TIMEOUT_MS + " ms");
                }
                try {
                    // Bounded so a missed notification costs at most 50 ms.
                    progress.wait(Math.min(remaining, 50));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StartupException("Interrupted while joining the metadata quorum");
                }
            }
        }
    }
}
