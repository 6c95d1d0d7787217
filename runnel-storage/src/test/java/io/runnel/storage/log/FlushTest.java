package io.runnel.storage.log;

import io.runnel.storage.AppendInfo;
import io.runnel.storage.Batches;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class FlushTest {
    @TempDir
    Path root;
    TestLog env;
    final AtomicInteger fsyncs = new AtomicInteger();
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch entered = new CountDownLatch(1);
    volatile boolean blockFsync;

    @BeforeEach
    void setUp() {
        env = new TestLog(root);
        env.io = new FileIo() {
            @Override
            public void force(FileChannel channel) throws IOException {
                if (blockFsync) {
                    entered.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                fsyncs.incrementAndGet();
                FileIo.SYSTEM.force(channel);
            }
        };
    }

    @AfterEach
    void tearDown() throws Exception {
        release.countDown();
        env.close();
    }

    @Test
    void flushNeededOnceUnflushedMessagesReachFlushMessages() throws Exception {
        SegmentedLog log = env.create(TestLog.config(Map.of("flush.messages", "5")));
        assertThat(log.appendAsLeader(Batches.of(env.time.milliseconds(), 3), 0).flushNeeded()).isFalse();
        AppendInfo second = log.appendAsLeader(Batches.of(env.time.milliseconds(), 2), 0);
        assertThat(second.flushNeeded()).isTrue();
        log.flushAsync().get(10, TimeUnit.SECONDS);
        assertThat(log.recoveryPoint()).isEqualTo(5);
        assertThat(log.appendAsLeader(Batches.of(env.time.milliseconds(), 1), 0).flushNeeded()).isFalse();
        log.close();
    }

    @Test
    void concurrentCallersShareOnePendingFsync() throws Exception {
        SegmentedLog log = env.create(TestLog.config(Map.of()));
        log.appendAsLeader(Batches.of(env.time.milliseconds(), 1), 0);
        blockFsync = true;
        CompletableFuture<Void> inFlight = log.flushAsync();
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            log.appendAsLeader(Batches.of(env.time.milliseconds(), 1), 0);
            waiting.add(log.flushAsync());
        }
        assertThat(waiting).allSatisfy(f -> assertThat(f).isSameAs(waiting.get(0)).isNotSameAs(inFlight));
        int before = fsyncs.get();
        blockFsync = false;
        release.countDown();
        inFlight.get(10, TimeUnit.SECONDS);
        waiting.get(0).get(10, TimeUnit.SECONDS);
        assertThat(log.recoveryPoint()).isEqualTo(6);
        assertThat(fsyncs.get() - before).isEqualTo(2);
        log.close();
    }

    @Test
    void flushMsIsHonouredByFlushIfDue() throws Exception {
        SegmentedLog log = env.create(TestLog.config(Map.of("flush.ms", "1000")));
        log.appendAsLeader(Batches.of(env.time.milliseconds(), 2), 0);
        log.flushIfDue();
        assertThat(log.recoveryPoint()).isZero();
        env.time.advance(1000);
        log.flushIfDue();
        assertThat(log.recoveryPoint()).isEqualTo(2);
        log.close();
    }
}
