package io.runnel.metadata.raft;

import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.image.ImageBuilder;
import io.runnel.metadata.image.ImagePublisher;
import io.runnel.metadata.image.SnapshotFile;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.RecordBatchCodec;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The Ratis state machine of the metadata log: each committed entry is a record batch
 * ({@link RecordBatchCodec}) replayed into the next image, published to listeners on Ratis'
 * apply thread (the one "replay thread"). Snapshots are {@link SnapshotFile}s named by Ratis'
 * {@link SimpleStateMachineStorage} ({@code snapshot.<term>_<index>} plus an MD5 file); a
 * snapshot installed from the leader is loaded in {@link #reinitialize} after {@link #pause}.
 * Read-only queries are controller calls forwarded to this node as the leader ({@link #query}).
 *
 * <p>Thread-safety: apply, snapshot and reinitialize run on Ratis' state machine updater thread;
 * the image is published through the thread-safe {@link ImagePublisher}. Queries run on gRPC
 * threads and only hand the call to the controller (which has its own thread).
 */
final class MetadataStateMachine extends BaseStateMachine {
    private static final Logger log = LoggerFactory.getLogger(MetadataStateMachine.class);

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final String clusterId;
    private final ImagePublisher publisher;
    private final QuorumEvents events;
    private final Function<ByteBuffer, CompletableFuture<ByteBuffer>> controllerCalls;
    /** Whether the last leader Ratis reported is this node (Ratis event threads). */
    private volatile boolean selfLeads;

    MetadataStateMachine(String clusterId, ImagePublisher publisher, QuorumEvents events,
                         Function<ByteBuffer, CompletableFuture<ByteBuffer>> controllerCalls) {
        this.clusterId = clusterId;
        this.publisher = publisher;
        this.events = events;
        this.controllerCalls = controllerCalls;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        getLifeCycle().startAndTransition(() -> {
            super.initialize(server, groupId, raftStorage);
            storage.init(raftStorage);
            loadLatestSnapshot();
        });
    }

    @Override
    public void pause() {
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    @Override
    public void reinitialize() throws IOException {
        loadLatestSnapshot();
        getLifeCycle().transition(LifeCycle.State.STARTING);
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        try {
            List<MetadataRecord> records = RecordBatchCodec.decode(
                    entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer());
            publisher.publish(ImageBuilder.apply(publisher.image(), records, entry.getIndex()));
        } catch (IllegalArgumentException e) {
            // Deterministic on every node: skipping keeps replicas identical; losing the node would not help.
            log.error("Skipping undecodable metadata entry {}: {}", TermIndex.valueOf(entry), e.getMessage());
        }
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        events.onProgress();
        return CompletableFuture.completedFuture(Message.EMPTY);
    }

    /**
     * A controller call forwarded by another voter as a read-only request, which Ratis routes to
     * the leader (this node, its leadership ready): the local controller answers it.
     */
    @Override
    public CompletableFuture<Message> query(Message request) {
        return controllerCalls.apply(request.getContent().asReadOnlyByteBuffer())
                .thenApply(reply -> Message.valueOf(UnsafeByteOperations.unsafeWrap(reply)));
    }

    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        super.notifyTermIndexUpdated(term, index);
        events.onProgress();
    }

    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() < 0) {
            return RaftLog.INVALID_LOG_INDEX;
        }
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        SnapshotFile.write(file.toPath(), publisher.image(), last.getTerm(), last.getIndex());
        FileInfo info = new FileInfo(file.toPath(), MD5FileUtil.computeAndSaveMd5ForFile(file));
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(info, last));
        log.debug("Took metadata snapshot at {}", last);
        return last.getIndex();
    }

    @Override
    public void notifyLeaderReady() {
        events.onLeaderReady();
        events.onProgress();
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        selfLeads = newLeaderId != null && newLeaderId.equals(groupMemberId.getPeerId());
        events.onLeaderChanged(newLeaderId == null ? -1 : RatisIds.nodeId(newLeaderId));
        events.onProgress();
    }

    /**
     * This node stopped leading without a new leader known yet, e.g. cut off from the majority:
     * Ratis steps down after a leader-lease period without acknowledgements but reports no leader
     * change until an election ends, which needs a majority this node may not reach. Reporting no
     * leader now makes the controller inactive, so calls here are forwarded (and fail fast with
     * NOT_CONTROLLER) instead of being taken by a controller whose writes cannot commit.
     */
    @Override
    public void notifyNotLeader(Collection<TransactionContext> pendingEntries) {
        if (selfLeads) {
            selfLeads = false;
            events.onLeaderChanged(-1);
            events.onProgress();
        }
    }

    private void loadLatestSnapshot() throws IOException {
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        if (snapshot == null) {
            return;
        }
        File file = snapshot.getFile().getPath().toFile();
        if (snapshot.hasMd5()) {
            MD5FileUtil.verifySavedMD5(file, snapshot.getFile().getFileDigest());
        }
        MetadataImage image = SnapshotFile.read(file.toPath(), clusterId);
        setLastAppliedTermIndex(snapshot.getTermIndex());
        publisher.publish(image);
        log.info("Loaded metadata snapshot at {}", snapshot.getTermIndex());
    }
}
