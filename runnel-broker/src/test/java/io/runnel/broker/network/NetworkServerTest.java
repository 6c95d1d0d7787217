package io.runnel.broker.network;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class NetworkServerTest {
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final FakeDispatcher dispatcher = new FakeDispatcher();
    private NetworkServer server;
    private int port;

    @BeforeEach
    void start() {
        server = NetworkServer.start(List.of(new ListenerSpec("PLAINTEXT", "127.0.0.1", 0)), dispatcher,
                new NetworkSettings(MAX_REQUEST_BYTES, 2, 60_000, -1, -1));
        port = server.boundPort("PLAINTEXT");
    }

    @AfterEach
    void stop() {
        server.close();
        assertThat(server.unexpectedErrors()).isZero();
    }

    static ApiVersionsRequest apiVersionsRequest(short version) {
        return new ApiVersionsRequest(new ApiVersionsRequestData()
                .setClientSoftwareName("wire-client").setClientSoftwareVersion("1.0"), version);
    }

    static MetadataRequest metadataRequest(String topic) {
        return new MetadataRequest(new MetadataRequestData().setTopics(List.of(
                new MetadataRequestData.MetadataRequestTopic().setName(topic))), FakeDispatcher.METADATA_MAX);
    }

    private void assertApiVersionsAnswered(WireClient client, int correlationId) throws IOException {
        client.send(apiVersionsRequest(FakeDispatcher.API_VERSIONS_MAX), correlationId);
        ApiVersionsResponse response = (ApiVersionsResponse) client.receive(ApiKeys.API_VERSIONS,
                FakeDispatcher.API_VERSIONS_MAX, correlationId);
        assertThat(response.data().errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.data().apiKeys()).isEqualTo(dispatcher.apiVersions().apiKeys());
    }

    @Test
    void answersApiVersions() throws IOException {
        try (WireClient client = new WireClient(port)) {
            assertApiVersionsAnswered(client, 7);
            assertApiVersionsAnswered(client, 8);
        }
    }

    @Test
    void passesRequestContext() throws IOException {
        List<RequestContext> contexts = new CopyOnWriteArrayList<>();
        dispatcher.handle(ApiKeys.METADATA, (context, request) -> {
            contexts.add(context);
            return CompletableFuture.completedFuture(new MetadataResponseData());
        });
        try (WireClient client = new WireClient(port)) {
            client.send(metadataRequest("t"), 3);
            client.receive(ApiKeys.METADATA, FakeDispatcher.METADATA_MAX, 3);
        }
        RequestContext context = contexts.get(0);
        assertThat(context.listenerName()).isEqualTo("PLAINTEXT");
        assertThat(context.header().clientId()).isEqualTo(WireClient.CLIENT_ID);
        assertThat(context.header().apiVersion()).isEqualTo(FakeDispatcher.METADATA_MAX);
        assertThat(context.clientAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(context.connectionId()).startsWith("127.0.0.1:" + port + "-127.0.0.1:");
    }

    @Test
    void writesResponsesInRequestOrderWhateverTheCompletionOrder() throws Exception {
        List<CompletableFuture<ApiMessage>> futures = new CopyOnWriteArrayList<>();
        dispatcher.handle(ApiKeys.METADATA, (context, request) -> {
            CompletableFuture<ApiMessage> future = new CompletableFuture<>();
            futures.add(future);
            return future;
        });
        int requests = 20;
        ExecutorService completer = Executors.newSingleThreadExecutor();
        try (WireClient client = new WireClient(port)) {
            for (int i = 0; i < requests; i++) {
                client.send(metadataRequest("t" + i), i);
            }
            await().until(() -> futures.size() == requests);
            for (int i = requests - 1; i >= 0; i--) {
                MetadataResponseData body = new MetadataResponseData().setThrottleTimeMs(i);
                CompletableFuture<ApiMessage> future = futures.get(i);
                if (i % 2 == 0) {
                    completer.submit(() -> future.complete(body)).get();
                } else {
                    future.complete(body);
                }
            }
            for (int i = 0; i < requests; i++) {
                MetadataResponse response = (MetadataResponse) client.receive(ApiKeys.METADATA, FakeDispatcher.METADATA_MAX, i);
                assertThat(response.throttleTimeMs()).isEqualTo(i);
            }
        } finally {
            completer.shutdownNow();
        }
    }

    @Test
    void stopsReadingWhileTooManyResponsesArePending() throws IOException {
        List<CompletableFuture<ApiMessage>> futures = new CopyOnWriteArrayList<>();
        dispatcher.handle(ApiKeys.METADATA, (context, request) -> {
            CompletableFuture<ApiMessage> future = new CompletableFuture<>();
            futures.add(future);
            return future;
        });
        int requests = 3 * ConnectionHandler.MAX_PENDING_RESPONSES;
        java.io.ByteArrayOutputStream pipelined = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < requests; i++) {
            byte[] frame = WireClient.serialize(metadataRequest("t"), i);
            pipelined.writeBytes(ByteBuffer.allocate(4).putInt(frame.length).array());
            pipelined.writeBytes(frame);
        }
        try (WireClient client = new WireClient(port)) {
            client.sendRaw(pipelined.toByteArray());
            int limit = ConnectionHandler.MAX_PENDING_RESPONSES + 1;
            await().until(() -> futures.size() == limit);
            await().during(java.time.Duration.ofMillis(300)).atMost(java.time.Duration.ofSeconds(2))
                    .until(() -> futures.size() == limit);
            for (int i = 0; i < requests; i++) {
                int index = i;
                await().pollDelay(java.time.Duration.ZERO).pollInterval(java.time.Duration.ofMillis(1))
                        .until(() -> futures.size() > index);
                futures.get(i).complete(new MetadataResponseData().setThrottleTimeMs(i));
                MetadataResponse response = (MetadataResponse) client.receive(ApiKeys.METADATA, FakeDispatcher.METADATA_MAX, i);
                assertThat(response.throttleTimeMs()).isEqualTo(i);
            }
        }
    }

    @Test
    void nullResponseFreesItsSlotWithoutWriting() throws IOException {
        CompletableFuture<ApiMessage> produce = new CompletableFuture<>();
        dispatcher.handle(ApiKeys.PRODUCE, (context, request) -> produce);
        try (WireClient client = new WireClient(port)) {
            client.send(new ProduceRequest(new ProduceRequestData().setAcks((short) 0).setTimeoutMs(1000),
                    ApiKeys.PRODUCE.latestVersion()), 1);
            client.send(apiVersionsRequest(FakeDispatcher.API_VERSIONS_MAX), 2);
            await().until(() -> !produce.isDone() && produce.getNumberOfDependents() > 0);
            produce.complete(null);
            ApiVersionsResponse response = (ApiVersionsResponse) client.receive(ApiKeys.API_VERSIONS,
                    FakeDispatcher.API_VERSIONS_MAX, 2);
            assertThat(response.data().errorCode()).isEqualTo(Errors.NONE.code());
        }
    }

    @Test
    void failedDispatchIsAnsweredWithTheRequestsErrorResponse() throws IOException {
        dispatcher.handle(ApiKeys.METADATA, (context, request) -> {
            throw new IllegalStateException("boom");
        });
        try (LogCapture log = new LogCapture(ConnectionHandler.class.getName(), true);
             WireClient client = new WireClient(port)) {
            client.send(metadataRequest("t"), 5);
            MetadataResponse response = (MetadataResponse) client.receive(ApiKeys.METADATA, FakeDispatcher.METADATA_MAX, 5);
            assertThat(response.errors()).containsEntry("t", Errors.UNKNOWN_SERVER_ERROR);
            assertApiVersionsAnswered(client, 6);
            assertThat(log.events()).singleElement().satisfies(event -> {
                assertThat(event.getLevel()).isEqualTo(Level.WARN);
                assertThat(event.getThrowableProxy()).isNull();
            });
        }
    }

    @Test
    void failedAcksZeroProduceClosesTheConnection() throws IOException {
        dispatcher.handle(ApiKeys.PRODUCE, (context, request) -> CompletableFuture.failedFuture(new IllegalStateException("boom")));
        try (LogCapture log = new LogCapture(ConnectionHandler.class.getName(), true);
             WireClient client = new WireClient(port)) {
            client.send(new ProduceRequest(new ProduceRequestData().setAcks((short) 0).setTimeoutMs(1000),
                    ApiKeys.PRODUCE.latestVersion()), 1);
            assertThat(client.closedByServer()).isTrue();
            assertThat(log.events()).hasSize(1);
        }
    }

    @Test
    void oversizedFrameClosesTheConnectionBeforeReadingTheBody() throws IOException {
        try (LogCapture log = new LogCapture(FrameDecoder.class.getName(), true)) {
            try (WireClient client = new WireClient(port)) {
                client.sendRaw(ByteBuffer.allocate(4).putInt(MAX_REQUEST_BYTES + 1).array());
                assertThat(client.closedByServer()).isTrue();
            }
            try (WireClient client = new WireClient(port)) {
                client.sendRaw(ByteBuffer.allocate(4).putInt(-1).array());
                assertThat(client.closedByServer()).isTrue();
            }
            assertThat(log.events()).hasSize(2).allSatisfy(event -> {
                assertThat(event.getLevel()).isEqualTo(Level.WARN);
                assertThat(event.getThrowableProxy()).isNull();
                assertThat(event.getFormattedMessage()).contains("127.0.0.1");
            });
            assertThat(log.events().get(0).getFormattedMessage()).contains(String.valueOf(MAX_REQUEST_BYTES + 1));
            assertThat(log.events().get(1).getFormattedMessage()).contains("-1");
        }
        try (WireClient client = new WireClient(port)) {
            assertApiVersionsAnswered(client, 1);
        }
    }

    @Test
    void frameOfExactlyTheMaximumSizeIsRead() throws IOException {
        byte[] request = WireClient.serialize(metadataRequest("x".repeat(200)), 9);
        byte[] padded = java.util.Arrays.copyOf(request, MAX_REQUEST_BYTES);
        dispatcher.handle(ApiKeys.METADATA, (context, body) -> CompletableFuture.completedFuture(new MetadataResponseData()));
        try (WireClient client = new WireClient(port)) {
            client.sendFrame(padded);
            client.receive(ApiKeys.METADATA, FakeDispatcher.METADATA_MAX, 9);
        }
    }

    @Test
    void largeProduceRequestArrivesWholeAndItsRecordsStayValidUntilCompletion() throws Exception {
        server.close();
        server = NetworkServer.start(List.of(new ListenerSpec("PLAINTEXT", "127.0.0.1", 0)), dispatcher,
                new NetworkSettings(8 * 1024 * 1024, 1, 60_000, -1, -1));
        byte[] value = new byte[4 * 1024 * 1024];
        new java.util.Random(1).nextBytes(value);
        MemoryRecords sent = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(value));
        CompletableFuture<MemoryRecords> received = new CompletableFuture<>();
        dispatcher.handle(ApiKeys.PRODUCE, (context, request) -> {
            ProduceRequestData data = (ProduceRequestData) request;
            MemoryRecords records = (MemoryRecords) data.topicData().iterator().next().partitionData().get(0).records();
            // Completed later, from another thread: the records must still be intact then.
            return CompletableFuture.supplyAsync(() -> {
                received.complete(records);
                return new ProduceResponseData();
            });
        });
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(1000)
                .setTopicData(new ProduceRequestData.TopicProduceDataCollection(List.of(
                        new ProduceRequestData.TopicProduceData().setTopicId(org.apache.kafka.common.Uuid.randomUuid())
                                .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData()
                                        .setIndex(0).setRecords(sent)))).iterator()));
        short version = ApiKeys.PRODUCE.latestVersion();
        try (WireClient client = new WireClient(server.boundPort("PLAINTEXT"))) {
            client.send(new ProduceRequest(data, version), 1);
            client.receive(ApiKeys.PRODUCE, version, 1);
        }
        assertThat(received.get().buffer()).isEqualTo(sent.buffer());
    }

    @Test
    void unknownApiKeyClosesTheConnection() throws IOException {
        byte[] frame = WireClient.serialize(metadataRequest("t"), 1);
        ByteBuffer.wrap(frame).putShort(0, (short) 9999);
        assertClosedWithOneLine(frame, "unknown API key 9999");
    }

    @Test
    void unsupportedVersionClosesTheConnection() throws IOException {
        MetadataRequest request = new MetadataRequest(new MetadataRequestData().setTopics(List.of()),
                (short) (FakeDispatcher.METADATA_MAX + 1));
        assertClosedWithOneLine(WireClient.serialize(request, 1), "unsupported version");
    }

    @Test
    void unsupportedApiKeyClosesTheConnection() throws IOException {
        byte[] frame = WireClient.serialize(metadataRequest("t"), 1);
        ByteBuffer.wrap(frame).putShort(0, ApiKeys.CREATE_TOPICS.id);
        assertClosedWithOneLine(frame, "unsupported version");
    }

    @Test
    void truncatedBodyClosesTheConnection() throws IOException {
        byte[] frame = WireClient.serialize(metadataRequest("some-topic"), 1);
        assertClosedWithOneLine(java.util.Arrays.copyOf(frame, frame.length - 5), "malformed");
    }

    @Test
    void garbledBodyClosesTheConnection() throws IOException {
        byte[] frame = WireClient.serialize(metadataRequest("t"), 1);
        int headerBytes = 4 + 4 + 2 + WireClient.CLIENT_ID.length() + 1;
        for (int i = headerBytes; i < frame.length; i++) {
            frame[i] = (byte) 0xff;
        }
        assertClosedWithOneLine(frame, "malformed");
    }

    @Test
    void tooShortHeaderClosesTheConnection() throws IOException {
        assertClosedWithOneLine(new byte[] {0, 18, 0}, "too short");
    }

    private void assertClosedWithOneLine(byte[] frame, String reason) throws IOException {
        try (LogCapture log = new LogCapture(ConnectionHandler.class.getName(), true)) {
            try (WireClient client = new WireClient(port)) {
                client.sendFrame(frame);
                assertThat(client.closedByServer()).isTrue();
            }
            List<ILoggingEvent> events = log.events();
            assertThat(events).singleElement().satisfies(event -> {
                assertThat(event.getLevel()).isEqualTo(Level.WARN);
                assertThat(event.getThrowableProxy()).isNull();
                assertThat(event.getFormattedMessage()).contains("127.0.0.1").contains(reason);
            });
        }
        try (WireClient client = new WireClient(port)) {
            assertApiVersionsAnswered(client, 2);
        }
    }

    @Test
    void unsupportedApiVersionsVersionGetsTheV0AnswerAndTheConnectionStaysOpen() throws IOException {
        short tooNew = (short) (FakeDispatcher.API_VERSIONS_MAX + 1);
        try (WireClient client = new WireClient(port)) {
            client.send(apiVersionsRequest(tooNew), 11);
            WireClient.Frame frame = client.receiveFrame(ApiKeys.API_VERSIONS, (short) 0);
            assertThat(frame.correlationId()).isEqualTo(11);
            ApiVersionsResponse response = ApiVersionsResponse.parse(
                    new org.apache.kafka.common.protocol.ByteBufferAccessor(frame.body()), (short) 0);
            assertThat(response.data().errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
            ApiVersionsResponseData.ApiVersion apiVersions = response.data().apiKeys().find(ApiKeys.API_VERSIONS.id);
            assertThat(apiVersions.maxVersion()).isEqualTo(FakeDispatcher.API_VERSIONS_MAX);
            assertThat(response.data().apiKeys()).isEqualTo(dispatcher.apiVersions().apiKeys());
            assertApiVersionsAnswered(client, 12);
        }
    }

    @Test
    void closeWithPendingResponsesDropsThem() throws IOException {
        CompletableFuture<ApiMessage> never = new CompletableFuture<>();
        dispatcher.handle(ApiKeys.METADATA, (context, request) -> never);
        try (WireClient client = new WireClient(port)) {
            client.send(metadataRequest("t"), 1);
            await().until(() -> never.getNumberOfDependents() > 0);
        }
        never.complete(new MetadataResponseData());
        try (WireClient client = new WireClient(port)) {
            assertApiVersionsAnswered(client, 1);
        }
    }

    @Test
    void portInUseFailsWithOneLine() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> NetworkServer.start(
                    List.of(new ListenerSpec("OTHER", "127.0.0.1", 0), new ListenerSpec("TAKEN", "127.0.0.1", taken.getLocalPort())),
                    dispatcher, new NetworkSettings(MAX_REQUEST_BYTES, 1, 60_000, -1, -1)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("TAKEN")
                    .hasMessageContaining(String.valueOf(taken.getLocalPort()))
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void closesIdleConnections() throws IOException {
        server.close();
        server = NetworkServer.start(List.of(new ListenerSpec("PLAINTEXT", "127.0.0.1", 0)), dispatcher,
                new NetworkSettings(MAX_REQUEST_BYTES, 1, 200, -1, -1));
        try (WireClient client = new WireClient(server.boundPort("PLAINTEXT"))) {
            assertApiVersionsAnswered(client, 1);
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void servesSeveralListeners() throws IOException {
        server.close();
        server = NetworkServer.start(List.of(new ListenerSpec("A", "127.0.0.1", 0), new ListenerSpec("B", "", 0)),
                dispatcher, new NetworkSettings(MAX_REQUEST_BYTES, 1, 60_000, 65536, 65536));
        for (String listener : List.of("A", "B")) {
            try (WireClient client = new WireClient(server.boundPort(listener))) {
                assertApiVersionsAnswered(client, 1);
            }
        }
    }
}
