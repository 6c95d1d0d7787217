package io.runnel.metadata.raft;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

import java.io.File;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ratis settings for the metadata quorum. Choices (measured on Ratis 3.3.0):
 * <ul>
 *   <li>gRPC transport on the voter's address ({@code controller.quorum.voters});</li>
 *   <li>log metadata on: the leader logs its commit index (one small entry per commit advance),
 *       so a restarting node replays what it knew committed before any leader exists;
 *       segments on disk, small preallocation;</li>
 *   <li>a broker-only node is a LISTENER peer with hour-long election timeouts (it never campaigns);</li>
 *   <li>a one-voter quorum elects itself within ~10-30 ms of starting, without pre-vote; larger
 *       quorums use 300-600 ms election timeouts so a GC pause does not depose a leader;</li>
 *   <li>automatic snapshots every {@code tuning.snapshotThreshold} entries, log purged up to the snapshot,
 *       two snapshots kept, none taken on stop (a restart replays the log tail, which is quick
 *       and keeps stopping fast); a raised staging timeout for adding voters;</li>
 *   <li>few threads (the machine may have two cores);</li>
 *   <li>the client that forwards controller calls to the leader gives up after
 *       {@value #FORWARD_RETRIES} retries {@value #FORWARD_RETRY_SLEEP_MS} ms apart (following
 *       NOT_LEADER hints and waiting out a leader that is not ready), each request timing out
 *       after {@value #FORWARD_REQUEST_TIMEOUT_MS} ms; the caller retries within its own bound.</li>
 * </ul>
 */
final class RatisProperties {
    static final int FORWARD_RETRIES = 10;
    static final long FORWARD_RETRY_SLEEP_MS = 50;
    static final long FORWARD_REQUEST_TIMEOUT_MS = 3000;
    static final long JOIN_REQUEST_TIMEOUT_MS = 30_000;

    private RatisProperties() {
    }

    /** A gRPC client of {@code group} with the bounded retries described above. */
    static RaftClient forwardingClient(RaftGroup group) {
        return client(group, FORWARD_REQUEST_TIMEOUT_MS);
    }

    /**
     * The client a listener asks the leader to add it with: its own (a timed-out request resets
     * the client's connection, which must not cut forwarded controller calls), its request
     * timeout long enough for the leader to bring a new listener up to date and commit the new
     * configuration ({@value #JOIN_REQUEST_TIMEOUT_MS} ms), with bounded retries that follow
     * leader hints.
     */
    static RaftClient joinClient(RaftGroup group) {
        return client(group, JOIN_REQUEST_TIMEOUT_MS);
    }

    private static RaftClient client(RaftGroup group, long requestTimeoutMs) {
        RaftProperties props = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(props, TimeDuration.valueOf(requestTimeoutMs, TimeUnit.MILLISECONDS));
        return RaftClient.newBuilder()
                .setRaftGroup(group)
                .setProperties(props)
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(FORWARD_RETRIES,
                        TimeDuration.valueOf(FORWARD_RETRY_SLEEP_MS, TimeUnit.MILLISECONDS)))
                .build();
    }

    /**
     * @param listener this node is a LISTENER peer (broker-only): it never campaigns in that role;
     *     its election timeout is an hour so that it cannot campaign either in the one case Ratis
     *     starts it as a plain follower (its log's last configuration predates its joining), where
     *     an election would make Ratis shut the server down as "not in the configuration"
     */
    static RaftProperties of(File storageDir, InetSocketAddress address, int voterCount, boolean listener,
                             RaftTuning tuning) {
        long snapshotThreshold = tuning.snapshotThreshold();
        RaftProperties props = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(props, List.of(storageDir));
        GrpcConfigKeys.Server.setPort(props, address.getPort());
        GrpcConfigKeys.Server.setHost(props, address.getHostString());
        GrpcConfigKeys.Server.setBossGroupSize(props, 1);
        GrpcConfigKeys.Server.setWorkerGroupSize(props, 2);
        GrpcConfigKeys.Server.setAsyncRequestThreadPoolCached(props, true);
        GrpcConfigKeys.Server.setAsyncRequestThreadPoolSize(props, 4);

        RaftServerConfigKeys.Log.setUseMemory(props, false);
        RaftServerConfigKeys.Log.setLogMetadataEnabled(props, true);
        RaftServerConfigKeys.Log.setPreallocatedSize(props, SizeInBytes.valueOf(Math.min(1L << 20, tuning.segmentBytes())));
        RaftServerConfigKeys.Log.setSegmentSizeMax(props, SizeInBytes.valueOf(tuning.segmentBytes()));
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(props, true);
        RaftServerConfigKeys.Log.setPurgeGap(props, (int) Math.min(Integer.MAX_VALUE, Math.max(1, snapshotThreshold)));

        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(props, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(props, snapshotThreshold);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(props, 2);
        RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(props, false);

        RaftServerConfigKeys.setStagingTimeout(props, TimeDuration.valueOf(60, TimeUnit.SECONDS));
        RaftServerConfigKeys.ThreadPool.setServerCached(props, true);
        RaftServerConfigKeys.ThreadPool.setClientCached(props, true);
        RaftServerConfigKeys.ThreadPool.setProxyCached(props, true);

        if (listener) {
            RaftServerConfigKeys.Rpc.setTimeoutMin(props, TimeDuration.valueOf(1, TimeUnit.HOURS));
            RaftServerConfigKeys.Rpc.setTimeoutMax(props, TimeDuration.valueOf(2, TimeUnit.HOURS));
        } else if (voterCount == 1) {
            RaftServerConfigKeys.LeaderElection.setPreVote(props, false);
            RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(props, TimeDuration.valueOf(5, TimeUnit.MILLISECONDS));
            RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(props, TimeDuration.valueOf(20, TimeUnit.MILLISECONDS));
        } else {
            RaftServerConfigKeys.Rpc.setTimeoutMin(props,
                    TimeDuration.valueOf(RaftNode.MIN_ELECTION_TIMEOUT_MS, TimeUnit.MILLISECONDS));
            RaftServerConfigKeys.Rpc.setTimeoutMax(props, TimeDuration.valueOf(600, TimeUnit.MILLISECONDS));
            RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(props, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS));
            RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(props, TimeDuration.valueOf(300, TimeUnit.MILLISECONDS));
        }
        return props;
    }
}
