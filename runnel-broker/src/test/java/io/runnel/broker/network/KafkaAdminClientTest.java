package io.runnel.broker.network;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real kafka-clients Admin negotiates ApiVersions with the server (through the KIP-511
 * fallback, since we claim an older ApiVersions version than the client's) and then talks Metadata.
 */
class KafkaAdminClientTest {
    private final FakeDispatcher dispatcher = new FakeDispatcher();
    private final AtomicInteger apiVersionsRequests = new AtomicInteger();
    private NetworkServer server;

    @BeforeEach
    void start() {
        server = NetworkServer.start(List.of(new ListenerSpec("PLAINTEXT", "127.0.0.1", 0)), dispatcher,
                new NetworkSettings(1024 * 1024, 1, 60_000, -1, -1));
        int port = server.boundPort("PLAINTEXT");
        dispatcher.handle(ApiKeys.API_VERSIONS, (context, request) -> {
            apiVersionsRequests.incrementAndGet();
            return CompletableFuture.completedFuture(dispatcher.apiVersions());
        });
        dispatcher.handle(ApiKeys.METADATA, (context, request) -> CompletableFuture.completedFuture(
                new MetadataResponseData().setClusterId("fake-cluster").setControllerId(1)
                        .setBrokers(new MetadataResponseData.MetadataResponseBrokerCollection(List.of(
                                new MetadataResponseData.MetadataResponseBroker().setNodeId(1)
                                        .setHost("127.0.0.1").setPort(port)).iterator()))));
    }

    @AfterEach
    void stop() {
        server.close();
        assertThat(server.unexpectedErrors()).isZero();
    }

    @Test
    void adminNegotiatesVersionsAndDescribesTheCluster() throws Exception {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + server.boundPort("PLAINTEXT"),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        try (Admin admin = Admin.create(config)) {
            DescribeClusterResult cluster = admin.describeCluster();
            assertThat(cluster.clusterId().get(15, TimeUnit.SECONDS)).isEqualTo("fake-cluster");
            assertThat(cluster.nodes().get(15, TimeUnit.SECONDS)).extracting(Node::id).containsExactly(1);
            assertThat(cluster.controller().get(15, TimeUnit.SECONDS).id()).isEqualTo(1);
        }
        assertThat(apiVersionsRequests.get()).as("only versions we support reach the dispatcher").isPositive();
    }
}
