package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiTableTest {
    private final ApiTable[] table = new ApiTable[1];

    @Test
    void advertisesExactlyTheRegisteredHandlersAndRanges() {
        table[0] = new ApiTable(List.of(new ApiVersionsHandler(() -> table[0], () -> 0L), new FixedMetadata((short) 4, (short) 9)));
        ApiVersionsResponseData versions = table[0].apiVersions();
        assertThat(versions.apiKeys()).extracting(ApiVersionsResponseData.ApiVersion::apiKey)
                .containsExactly(ApiKeys.METADATA.id, ApiKeys.API_VERSIONS.id);
        ApiVersionsResponseData.ApiVersion metadata = versions.apiKeys().find(ApiKeys.METADATA.id);
        assertThat(metadata.minVersion()).isEqualTo((short) 4);
        assertThat(metadata.maxVersion()).isEqualTo((short) 9);
        assertThat(table[0].isSupported(ApiKeys.METADATA, (short) 4)).isTrue();
        assertThat(table[0].isSupported(ApiKeys.METADATA, (short) 3)).isFalse();
        assertThat(table[0].isSupported(ApiKeys.METADATA, (short) 10)).isFalse();
        assertThat(table[0].isSupported(ApiKeys.PRODUCE, (short) 9)).isFalse();
    }

    @Test
    void apiVersionsRejectsInvalidClientSoftwareNames() throws Exception {
        table[0] = new ApiTable(List.of(new ApiVersionsHandler(() -> table[0], () -> 0L)));
        ApiVersionsResponseData good = (ApiVersionsResponseData) table[0].dispatch(context(ApiKeys.API_VERSIONS, 3),
                new ApiVersionsRequestData().setClientSoftwareName("apache-kafka-java").setClientSoftwareVersion("4.4.0")).get();
        ApiVersionsResponseData bad = (ApiVersionsResponseData) table[0].dispatch(context(ApiKeys.API_VERSIONS, 3),
                new ApiVersionsRequestData().setClientSoftwareName("bad name!").setClientSoftwareVersion("1")).get();
        assertThat(good.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(bad.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
    }

    @Test
    void apiVersionsFinalizesTransactionVersionTwoAsKafkaFourDoes() throws Exception {
        table[0] = new ApiTable(List.of(new ApiVersionsHandler(() -> table[0], () -> 42L)));
        ApiVersionsResponseData response = (ApiVersionsResponseData) table[0].dispatch(context(ApiKeys.API_VERSIONS, 4),
                new ApiVersionsRequestData().setClientSoftwareName("apache-kafka-java").setClientSoftwareVersion("4.4.0")).get();
        ApiVersionsResponseData.SupportedFeatureKey supported = response.supportedFeatures().find("transaction.version");
        ApiVersionsResponseData.FinalizedFeatureKey finalized = response.finalizedFeatures().find("transaction.version");
        assertThat(List.of(supported.minVersion(), supported.maxVersion())).containsExactly((short) 0, (short) 2);
        assertThat(List.of(finalized.minVersionLevel(), finalized.maxVersionLevel())).containsExactly((short) 2, (short) 2);
        assertThat(response.finalizedFeaturesEpoch()).isEqualTo(42L);
    }

    @Test
    void aHandlerThatThrowsFailsItsFutureInsteadOfTheCaller() {
        table[0] = new ApiTable(List.of(new FixedMetadata((short) 0, (short) 13) {
            @Override
            public CompletableFuture<ApiMessage> handle(RequestContext context, MetadataRequestData request) {
                throw new IllegalStateException("boom");
            }
        }));
        assertThat(table[0].dispatch(context(ApiKeys.METADATA, 12), new MetadataRequestData())).isCompletedExceptionally();
    }

    @Test
    void twoHandlersForOneKeyAreRejected() {
        assertThatThrownBy(() -> new ApiTable(List.of(new FixedMetadata((short) 0, (short) 1), new FixedMetadata((short) 0, (short) 1))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static RequestContext context(ApiKeys key, int version) {
        return new RequestContext(new RequestHeader(key, (short) version, "test", 1), "PLAINTEXT",
                new InetSocketAddress("127.0.0.1", 1), "c1", 0);
    }

    private static class FixedMetadata implements ApiHandler<MetadataRequestData> {
        private final short min;
        private final short max;

        FixedMetadata(short min, short max) {
            this.min = min;
            this.max = max;
        }

        @Override
        public ApiKeys apiKey() {
            return ApiKeys.METADATA;
        }

        @Override
        public short minVersion() {
            return min;
        }

        @Override
        public short maxVersion() {
            return max;
        }

        @Override
        public CompletableFuture<ApiMessage> handle(RequestContext context, MetadataRequestData request) {
            return CompletableFuture.completedFuture(new MetadataResponseData());
        }
    }
}
