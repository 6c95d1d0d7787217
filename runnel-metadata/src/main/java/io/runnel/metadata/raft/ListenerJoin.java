package io.runnel.metadata.raft;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.util.ProtoUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A broker-only node asking the leader to add it to the group as a LISTENER peer, on its own
 * thread ({@code runnel-raft-join}), every {@value #RETRY_MS} ms until the leader's configuration
 * lists it at its address (no leader yet, a stale view, another broker joining meanwhile).
 *
 * <p>Each attempt reads the configuration of the voter that says it leads (group info, each voter
 * asked in turn) and asks for it plus this listener in {@code COMPARE_AND_SET} mode, so two brokers joining at once
 * cannot drop each other. Not Ratis' {@code ADD} mode: in Ratis 3.3 it computes the new listener
 * list (the current ones plus the added) but then installs only the listeners named in the
 * request, which drops every listener already there.
 *
 * <p>Uses its own client (a timed-out request resets the client's connection, which must not cut
 * forwarded controller calls), whose request timeout lets the leader bring the new listener up to
 * date and commit the new configuration.
 */
final class ListenerJoin implements Runnable {
    /** Pause between attempts. */
    static final long RETRY_MS = 500;
    /** A listener not added after this long says why once (e.g. its cluster id names another Raft group). */
    static final long WARN_AFTER_MS = 60_000;

    private static final Logger log = LoggerFactory.getLogger(ListenerJoin.class);

    private final RaftGroup voters;
    private final RaftPeer self;
    private volatile boolean closed;

    ListenerJoin(RaftGroup voters, RaftPeer self) {
        this.voters = voters;
        this.self = self;
    }

    /** Stops retrying; an attempt under way ends with the interrupt of the thread. */
    void close() {
        closed = true;
    }

    @Override
    public void run() {
        long warnAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WARN_AFTER_MS);
        try (RaftClient client = RatisProperties.joinClient(voters)) {
            while (!closed) {
                String failure;
                try {
                    failure = attempt(client);
                    if (failure == null) {
                        log.info("Following the metadata log as listener peer {}", self);
                        return;
                    }
                } catch (IOException | RuntimeException e) {
                    failure = String.valueOf(e);
                }
                if (warnAtNanos != 0 && System.nanoTime() - warnAtNanos > 0) {
                    warnAtNanos = 0;
                    log.warn("Not added as a listener of the metadata quorum after {} ms, still trying: {}",
                            WARN_AFTER_MS, failure);
                } else {
                    log.debug("Not yet added as a listener of the metadata quorum: {}", failure);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(RETRY_MS));
            }
        } catch (IOException e) {
            log.debug("Closing the join client failed", e);
        }
    }

    /** One try: null once this listener is in the configuration, else why not yet. */
    private String attempt(RaftClient client) throws IOException {
        GroupInfoReply leader = askLeader(client);
        if (leader == null) {
            return "no voter answered as the leader";
        }
        RaftConfigurationProto conf = leader.getConf().orElse(null);
        if (conf == null || !conf.getOldPeersList().isEmpty() || !conf.getOldListenersList().isEmpty()) {
            return "the leader's configuration is changing";
        }
        List<RaftPeer> servers = ProtoUtils.toRaftPeers(conf.getPeersList());
        List<RaftPeer> listeners = ProtoUtils.toRaftPeers(conf.getListenersList());
        if (listeners.stream().anyMatch(p -> p.getId().equals(self.getId()) && p.getAddress().equals(self.getAddress()))) {
            return null;
        }
        List<RaftPeer> withSelf = new ArrayList<>(listeners);
        withSelf.removeIf(p -> p.getId().equals(self.getId()));
        withSelf.add(self);
        RaftClientReply reply = client.admin().setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
                .setServersInCurrentConf(servers)
                .setListenersInCurrentConf(listeners)
                .setServersInNewConf(servers)
                .setListenersInNewConf(withSelf)
                .build());
        return reply.isSuccess() ? null : String.valueOf(reply.getException());
    }

    /**
     * The group info of the voter that says it leads (its configuration is the one to change),
     * asking each voter in turn, the client's leader guess first; null if none does.
     */
    private GroupInfoReply askLeader(RaftClient client) {
        List<RaftPeerId> order = new ArrayList<>();
        if (client.getLeaderId() != null) {
            order.add(client.getLeaderId());
        }
        voters.getPeers().forEach(p -> {
            if (!order.contains(p.getId())) {
                order.add(p.getId());
            }
        });
        for (RaftPeerId voter : order) {
            try {
                GroupInfoReply info = client.getGroupManagementApi(voter).info(voters.getGroupId());
                if (info.getRoleInfoProto().getRole() == RaftPeerRole.LEADER) {
                    return info;
                }
            } catch (IOException | RuntimeException e) {
                log.debug("No group info from voter {}: {}", voter, e.toString());
            }
        }
        return null;
    }
}
