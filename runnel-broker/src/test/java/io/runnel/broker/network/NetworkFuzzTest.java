package io.runnel.broker.network;

import ch.qos.logback.classic.Level;
import io.netty.util.ResourceLeakDetector;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tens of thousands of random, mutated and valid frames over many connections: the server must
 * close bad connections with a log line, never let an exception escape, never stall a connection,
 * and keep answering afterwards.
 */
class NetworkFuzzTest {
    private static final int MAX_REQUEST_BYTES = 4 * FrameDecoder.EAGER_ALLOCATION_BYTES;
    private static final int CLIENT_THREADS = 4;
    private static final int CONNECTIONS_PER_THREAD = 1_000;
    private static final int MAX_FRAMES_PER_CONNECTION = 16;

    private final FakeDispatcher dispatcher = new FakeDispatcher();
    private final ScheduledExecutorService completer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong dispatched = new AtomicLong();
    private ResourceLeakDetector.Level leakLevel;
    private NetworkServer server;

    @BeforeEach
    void start() {
        leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        dispatcher.handle(ApiKeys.METADATA, (context, request) -> answer(new MetadataResponseData()));
        dispatcher.handle(ApiKeys.FETCH, (context, request) -> answer(new FetchResponseData()));
        dispatcher.handle(ApiKeys.PRODUCE, (context, request) -> ((ProduceRequestData) request).acks() == 0
                ? answer(null) : answer(new ProduceResponseData()));
        server = NetworkServer.start(List.of(new ListenerSpec("PLAINTEXT", "127.0.0.1", 0)), dispatcher,
                new NetworkSettings(MAX_REQUEST_BYTES, 2, 60_000, -1, -1));
    }

    @AfterEach
    void stop() {
        server.close();
        completer.shutdownNow();
        ResourceLeakDetector.setLevel(leakLevel);
    }

    /** Completes now, later on another thread, or exceptionally, at random. */
    private CompletableFuture<ApiMessage> answer(ApiMessage response) {
        dispatched.incrementAndGet();
        int choice = ThreadLocalRandom.current().nextInt(10);
        if (choice < 6) {
            return CompletableFuture.completedFuture(response);
        }
        if (choice < 9) {
            CompletableFuture<ApiMessage> future = new CompletableFuture<>();
            completer.schedule(() -> future.complete(response), ThreadLocalRandom.current().nextInt(200), TimeUnit.MICROSECONDS);
            return future;
        }
        return CompletableFuture.failedFuture(new IllegalStateException("injected failure"));
    }

    @Test
    void survivesRandomAndMutatedFrames() throws Exception {
        long seed = System.nanoTime();
        List<byte[]> templates = validRequests();
        int port = server.boundPort("PLAINTEXT");
        AtomicLong framesSent = new AtomicLong();
        AtomicLong stalled = new AtomicLong();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);
        try (LogCapture network = new LogCapture("io.runnel.broker.network", true);
             LogCapture netty = new LogCapture("io.netty", false)) {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < CLIENT_THREADS; t++) {
                Random random = new Random(seed + t);
                runs.add(clients.submit(() -> {
                    for (int c = 0; c < CONNECTIONS_PER_THREAD; c++) {
                        framesSent.addAndGet(fuzzOneConnection(port, random, templates, stalled));
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get(60, TimeUnit.SECONDS);
            }

            assertThat(framesSent.get()).as("seed %d", seed).isGreaterThan(20_000);
            assertThat(dispatched.get()).as("valid requests reached the dispatcher").isPositive();
            assertThat(stalled.get()).as("connections the server neither answered nor closed, seed %d", seed).isZero();
            assertThat(server.unexpectedErrors()).as("seed %d", seed).isZero();
            assertThat(network.events()).as("bad frames are logged").isNotEmpty()
                    .allSatisfy(event -> assertThat(event.getThrowableProxy()).as(event.getFormattedMessage()).isNull());
            assertThat(netty.events()).as("nothing reaches Netty's own logging (leaks, uncaught exceptions)")
                    .noneMatch(event -> event.getLevel().isGreaterOrEqual(Level.WARN));
        } finally {
            clients.shutdownNow();
        }
        try (WireClient client = new WireClient(port)) {
            client.send(new ApiVersionsRequest(new ApiVersionsRequestData(), FakeDispatcher.API_VERSIONS_MAX), 42);
            ApiVersionsResponse response = (ApiVersionsResponse) client.receive(ApiKeys.API_VERSIONS,
                    FakeDispatcher.API_VERSIONS_MAX, 42);
            assertThat(response.data().errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(response.data().apiKeys()).isEqualTo(dispatcher.apiVersions().apiKeys());
        }
    }

    /**
     * Sends a burst of frames, half-closes, then reads until the server closes.
     *
     * @return frames sent
     */
    private static int fuzzOneConnection(int port, Random random, List<byte[]> templates, AtomicLong stalled)
            throws IOException {
        int frames = 1 + random.nextInt(MAX_FRAMES_PER_CONNECTION);
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        for (int i = 0; i < frames; i++) {
            burst.writeBytes(randomFrame(random, templates, i));
        }
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.setSoLinger(true, 0);
            OutputStream out = socket.getOutputStream();
            byte[] bytes = burst.toByteArray();
            try {
                if (random.nextBoolean()) {
                    out.write(bytes);
                } else {
                    for (int offset = 0; offset < bytes.length; ) {
                        int chunk = Math.min(bytes.length - offset, 1 + random.nextInt(64));
                        out.write(bytes, offset, chunk);
                        out.flush();
                        offset += chunk;
                    }
                }
                out.flush();
                socket.shutdownOutput();
            } catch (IOException closedByServer) {
                return frames;
            }
            drainUntilClosed(socket.getInputStream(), stalled);
        }
        return frames;
    }

    private static void drainUntilClosed(InputStream in, AtomicLong stalled) throws IOException {
        byte[] sink = new byte[8192];
        try {
            while (in.read(sink) >= 0) {
                // Responses are discarded; the server closes after our half-close.
            }
        } catch (SocketTimeoutException e) {
            stalled.incrementAndGet();
        } catch (IOException reset) {
            // The server closed first, with data unread.
        }
    }

    private static byte[] randomFrame(Random random, List<byte[]> templates, int correlationId) {
        byte[] template = templates.get(random.nextInt(templates.size()));
        byte[] payload;
        switch (random.nextInt(8)) {
            case 0, 1 -> payload = template.clone();
            case 2 -> {
                payload = template.clone();
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    payload[random.nextInt(payload.length)] = (byte) random.nextInt(256);
                }
            }
            case 3 -> payload = java.util.Arrays.copyOf(template, random.nextInt(template.length));
            case 4 -> {
                payload = java.util.Arrays.copyOf(template, template.length + 1 + random.nextInt(32));
                for (int i = template.length; i < payload.length; i++) {
                    payload[i] = (byte) random.nextInt(256);
                }
            }
            case 5 -> {
                payload = new byte[random.nextInt(300)];
                random.nextBytes(payload);
            }
            case 6 -> {
                payload = template.clone();
                ByteBuffer.wrap(payload).putShort(0, (short) random.nextInt(100)).putShort(2, (short) (random.nextInt(20) - 2));
            }
            default -> {
                byte[] garbage = new byte[random.nextInt(64)];
                random.nextBytes(garbage);
                int size = random.nextBoolean() ? random.nextInt() : random.nextInt(2 * MAX_REQUEST_BYTES);
                return ByteBuffer.allocate(4 + garbage.length).putInt(size).put(garbage).array();
            }
        }
        if (payload.length >= 8) {
            ByteBuffer.wrap(payload).putInt(4, correlationId);
        }
        return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
    }

    private static List<byte[]> validRequests() {
        List<AbstractRequest> requests = new ArrayList<>();
        for (short v = 0; v <= FakeDispatcher.API_VERSIONS_MAX + 1; v++) {
            requests.add(new ApiVersionsRequest(new ApiVersionsRequestData()
                    .setClientSoftwareName("fuzz").setClientSoftwareVersion("1"), v));
        }
        for (short v = ApiKeys.METADATA.oldestVersion(); v <= FakeDispatcher.METADATA_MAX; v++) {
            requests.add(new MetadataRequest(new MetadataRequestData()
                    .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("topic-" + v))), v));
        }
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("k".getBytes(), "value".getBytes()));
        for (short acks : new short[] {0, 1, -1}) {
            short v = ApiKeys.PRODUCE.latestVersion();
            requests.add(new ProduceRequest(new ProduceRequestData().setAcks(acks).setTimeoutMs(1000)
                    .setTopicData(new ProduceRequestData.TopicProduceDataCollection(List.of(
                            new ProduceRequestData.TopicProduceData().setTopicId(Uuid.randomUuid())
                                    .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData()
                                            .setIndex(0).setRecords(records)))).iterator())), v));
        }
        requests.add(new FetchRequest(new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1)
                .setTopics(List.of(new FetchRequestData.FetchTopic().setTopicId(Uuid.randomUuid())
                        .setPartitions(List.of(new FetchRequestData.FetchPartition().setPartition(0))))),
                ApiKeys.FETCH.latestVersion()));
        List<byte[]> frames = new ArrayList<>();
        for (AbstractRequest request : requests) {
            frames.add(WireClient.serialize(request, 0));
        }
        return frames;
    }
}
