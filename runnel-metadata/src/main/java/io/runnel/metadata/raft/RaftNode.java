package io.runnel.metadata.raft;

import io.runnel.metadata.StartupException;
import io.runnel.metadata.controller.RecordAppender;
import io.runnel.metadata.image.ImagePublisher;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.RecordBatchCodec;
import org.apache.kafka.common.errors.InconsistentClusterIdException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.GroupMismatchException;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.ExitUtils;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * This node's Ratis server in the metadata group: its storage lives in
 * {@code metadataDir/__cluster_metadata-0/<group uuid>/} (Ratis' log segments and, under
 * {@code sm/}, the snapshots). Appends batches in-process as the leader
 * ({@code submitClientRequestAsync}), without a network client.
 *
 * <p>A voter is a member of the group as configured ({@code controller.quorum.voters}). A
 * broker-only node is a LISTENER peer: it starts with the voters plus itself as a listener (so
 * Ratis starts it in the listener role, which never campaigns), then asks the leader to add it
 * ({@link ListenerJoin}, retried until a leader did). The leader then replicates the log (or a snapshot) to it as to a
 * follower, but its acknowledgements never count toward commits, so a listener that is slow,
 * gone or never comes back does not hold up the quorum. Its entry stays in the group
 * configuration after it left; a node restarting at another address replaces it.
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
public final class RaftNode implements RecordAppender, AutoCloseable {
    /** Where the Raft storage lives inside the metadata dir (Kafka's name for the metadata log). */
    public static final String STORAGE_DIR = "__cluster_metadata-0";
    /**
     * The shortest election timeout of a quorum of several voters: followers elect a new leader
     * only after hearing nothing from the old one for at least this long.
     */
    public static final long MIN_ELECTION_TIMEOUT_MS = 300;
    /**
     * How long a forwarded controller call may take before it fails with NOT_CONTROLLER: a
     * heartbeat sent to a leader that froze or was cut off can be stuck that long.
     */
    public static final long FORWARD_TIMEOUT_MS = 5000;

    private static final Logger log = LoggerFactory.getLogger(RaftNode.class);
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(3);
    /** Ratis' shaded gRPC logs through java.util.logging; held strongly so its WARNING level sticks. */
    private static final java.util.logging.Logger GRPC_LOG =
            java.util.logging.Logger.getLogger("org.apache.ratis.thirdparty.io.grpc");

    static {
        GRPC_LOG.setLevel(java.util.logging.Level.WARNING);
        // Ratis calls System.exit on some failures (a taken port among them); a library must not
        // end the broker's JVM, so make it throw ExitException instead (a JVM-wide setting).
        ExitUtils.disableSystemExit();
    }

    private final RaftServer server;
    private final RaftGroupId groupId;
    private final RaftClient client;
    private final RaftGroup voters;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    /** Asks the leader to add this listener peer, on {@link #joiner}; null for a voter. */
    private volatile ListenerJoin join;
    private volatile Thread joiner;

    private RaftNode(RaftServer server, RaftGroup voters) {
        this.server = server;
        this.groupId = voters.getGroupId();
        this.voters = voters;
        this.client = RatisProperties.forwardingClient(voters);
    }

    /**
     * Ratis keeps each group's log in a directory named by the group id, which the cluster id
     * gives: a directory of another group is the metadata log of another cluster, left there or
     * copied in with another cluster's data (Ratis would fail to start on it with an obscure error).
     */
    static void refuseLogOfAnotherCluster(Path storageDir, String clusterId) {
        String own = RatisIds.groupId(clusterId).getUuid().toString();
        try (var dirs = Files.exists(storageDir) ? Files.list(storageDir) : Stream.<Path>empty()) {
            dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString())
                    .filter(name -> name.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"))
                    .filter(name -> !name.equals(own)).findFirst().ifPresent(other -> {
                        throw new StartupException("The metadata log in " + storageDir + " belongs to another cluster "
                                + "than cluster.id " + clusterId + " in meta.properties (its Raft group " + other
                                + "): this data dir holds another cluster's data");
                    });
        } catch (IOException e) {
            throw new StartupException("Cannot read " + storageDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Builds and starts the server (recovering its log); does not wait for a leader.
     *
     * @param listenerAddress null for a voter; for a broker-only node, where its Raft server
     *     listens as a LISTENER peer (and where the leader reaches it)
     * @param controllerCalls answers controller calls forwarded to this node while it leads
     *     ({@link #forward}): encoded call in, encoded reply out
     */
    public static RaftNode start(int nodeId, Map<Integer, InetSocketAddress> voters, InetSocketAddress listenerAddress,
                                 Path metadataDir, String clusterId, ImagePublisher publisher, QuorumEvents events,
                                 Function<ByteBuffer, CompletableFuture<ByteBuffer>> controllerCalls,
                                 RaftTuning tuning) {
        boolean listener = listenerAddress != null;
        InetSocketAddress address = listener ? listenerAddress : voters.get(nodeId);
        if (address == null) {
            throw new StartupException("node.id " + nodeId + " is not in controller.quorum.voters " + voters.keySet());
        }
        if (listener && voters.containsKey(nodeId)) {
            throw new StartupException("node.id " + nodeId + " is a voter, so it cannot follow as a listener");
        }
        refuseLogOfAnotherCluster(metadataDir.resolve(STORAGE_DIR), clusterId);
        List<RaftPeer> peers = new ArrayList<>();
        voters.forEach((id, addr) -> peers.add(peer(id, addr, RaftPeerRole.FOLLOWER)));
        RaftGroup votersGroup = RaftGroup.valueOf(RatisIds.groupId(clusterId), peers);
        RaftPeer self = peer(nodeId, address, RaftPeerRole.LISTENER);
        if (listener) {
            peers.add(self);
        }
        RaftServer server = null;
        try {
            server = RaftServer.newBuilder()
                    .setServerId(RatisIds.peerId(nodeId))
                    .setGroup(RaftGroup.valueOf(votersGroup.getGroupId(), peers))
                    .setStateMachine(new MetadataStateMachine(clusterId, publisher, events, controllerCalls))
                    .setProperties(RatisProperties.of(metadataDir.resolve(STORAGE_DIR).toFile(), address,
                            voters.size(), listener, tuning))
                    .setOption(RaftStorage.StartupOption.RECOVER)
                    .build();
            server.start();
            RaftNode node = new RaftNode(server, votersGroup);
            if (listener) {
                node.startJoining(self);
            }
            return node;
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                new RaftNode(server, votersGroup).close();
            }
            throw new StartupException("Cannot start the metadata quorum on " + address.getHostString() + ":"
                    + address.getPort() + ": " + rootMessage(e), e);
        }
    }

    private static RaftPeer peer(int nodeId, InetSocketAddress address, RaftPeerRole role) {
        return RaftPeer.newBuilder()
                .setId(RatisIds.peerId(nodeId))
                .setAddress(address.getHostString() + ":" + address.getPort())
                .setStartupRole(role)
                .build();
    }

    /** Starts asking the leader to add {@code self} as a listener ({@link ListenerJoin}). */
    private void startJoining(RaftPeer self) {
        ListenerJoin join = new ListenerJoin(voters, self);
        Thread thread = new Thread(join, "runnel-raft-join");
        thread.setDaemon(true);
        this.join = join;
        joiner = thread;
        thread.start();
    }

    private static String rootMessage(Throwable e) {
        StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !message.toString().contains(cause.getMessage())) {
                message.append(": ").append(cause.getMessage());
            }
        }
        return message.toString().replace('\n', ' ');
    }

    @Override
    public CompletableFuture<Long> append(List<MetadataRecord> records) {
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(clientId)
                .setServerId(server.getId())
                .setGroupId(groupId)
                .setCallId(callIds.incrementAndGet())
                .setMessage(Message.valueOf(UnsafeByteOperations.unsafeWrap(RecordBatchCodec.encode(records))))
                .setType(RaftClientRequest.writeRequestType())
                .build();
        try {
            return server.submitClientRequestAsync(request).thenApply(reply -> {
                if (!reply.isSuccess()) {
                    throw new CompletionException(reply.getException());
                }
                return reply.getLogIndex();
            });
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Sends an encoded controller call to the Raft leader as a read-only request (Ratis' client
     * finds the leader and follows leader changes, with bounded retries: see
     * {@link RatisProperties#forwardingClient}); the leader's state machine answers it with its
     * controller. Fails with an {@code IOException} (Ratis') when no leader answered.
     */
    public CompletableFuture<ByteBuffer> forward(ByteBuffer call) {
        return client.async().sendReadOnlyUnordered(Message.valueOf(UnsafeByteOperations.unsafeWrap(call)))
                .handle((reply, error) -> {
                    if (error == null) {
                        return reply.getMessage().getContent().asReadOnlyByteBuffer();
                    }
                    throw isGroupMismatch(error) ? new InconsistentClusterIdException("The voters of "
                            + "controller.quorum.voters run another cluster than this node's cluster.id")
                            : error instanceof CompletionException c ? c : new CompletionException(error);
                });
    }

    /** The voters answered that they are not in this node's Raft group, which the cluster id names. */
    private static boolean isGroupMismatch(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof GroupMismatchException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether this node has replayed every entry it knows to be committed: at start, those its
     * log says were committed (Ratis persists the commit index in the log); later, those its
     * leader reported. As the leader, also that its leadership is ready, so every entry of
     * earlier terms is replayed.
     */
    public boolean hasReplayedCommitted() {
        try {
            RaftServer.Division division = server.getDivision(groupId);
            DivisionInfo info = division.getInfo();
            if (info.isLeader() && !info.isLeaderReady()) {
                return false;
            }
            return info.getLastAppliedIndex() >= division.getRaftLog().getLastCommittedIndex();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * As the Raft leader, how long each peer has not answered (Ratis' time since its last
     * response); empty on other nodes. Implements the controller's {@code QuorumContact}.
     */
    public Map<Integer, Long> peerSilenceMs() {
        try {
            RoleInfoProto role = server.getDivision(groupId).getInfo().getRoleInfoProto();
            if (!role.hasLeaderInfo()) {
                return Map.of();
            }
            Map<Integer, Long> silence = new HashMap<>();
            for (ServerRpcProto follower : role.getLeaderInfo().getFollowerInfoList()) {
                silence.put(RatisIds.nodeId(RaftPeerId.valueOf(follower.getId().getId())),
                        follower.getLastRpcElapsedTimeMs());
            }
            return silence;
        } catch (IOException e) {
            return Map.of();
        }
    }

    /**
     * Stops the server. Returns once the group member is closed (log flushed, storage unlocked,
     * port released), typically within one second; Ratis' gRPC event loops then finish their
     * fixed two-second quiet period on a background daemon thread, which this does not wait for.
     */
    @Override
    public void close() {
        ListenerJoin pending = join;
        if (pending != null) {
            pending.close();
            joiner.interrupt();
        }
        try {
            client.close();
        } catch (IOException e) {
            log.warn("Closing the forwarding client failed", e);
        }
        RaftServer.Division division;
        try {
            division = server.getDivision(groupId);
        } catch (IOException e) {
            division = null;
        }
        Thread closer = new Thread(() -> {
            try {
                server.close();
            } catch (IOException e) {
                log.warn("Closing the Raft server failed", e);
            }
        }, "runnel-raft-close");
        closer.setDaemon(true);
        closer.start();
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        while (closer.isAlive() && System.nanoTime() < deadline
                && (division == null || division.getInfo().getLifeCycleState() != LifeCycle.State.CLOSED)) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
