package io.runnel.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.FileRegion;
import io.netty.util.ReferenceCountUtil;
import io.runnel.storage.FileSlice;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ResponseEncoderTest {

    @TempDir
    Path dir;

    @Test
    void responseWithoutRecordsIsOneExactlySizedBuffer() {
        MetadataResponseData body = new MetadataResponseData().setClusterId("c").setControllerId(3)
                .setTopics(new MetadataResponseData.MetadataResponseTopicCollection(List.of(
                        new MetadataResponseData.MetadataResponseTopic().setName("t").setTopicId(Uuid.randomUuid())).iterator()));
        short version = ApiKeys.METADATA.latestVersion();
        List<Object> pieces = ResponseEncoder.encode(UnpooledByteBufAllocator.DEFAULT, 77, ApiKeys.METADATA, version, body);
        assertThat(pieces).hasSize(1);
        ByteBuf frame = (ByteBuf) pieces.get(0);
        assertThat(frame.capacity()).isEqualTo(frame.readableBytes());

        ByteBuffer expectedHeader = MessageUtil.toByteBufferAccessor(new ResponseHeaderData().setCorrelationId(77),
                ApiKeys.METADATA.responseHeaderVersion(version)).buffer();
        ByteBuffer expectedBody = MessageUtil.toByteBufferAccessor(body, version).buffer();
        ByteBuffer expected = ByteBuffer.allocate(4 + expectedHeader.remaining() + expectedBody.remaining())
                .putInt(expectedHeader.remaining() + expectedBody.remaining()).put(expectedHeader).put(expectedBody).flip();
        assertThat(frame.nioBuffer()).isEqualTo(expected);
        frame.release();
    }

    @Test
    void fileSlicesBecomeFileRegionsThatLeaveTheSegmentOpen() throws IOException {
        try (FileChannel segment = FileChannel.open(dir.resolve("0.log"), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes()));
            segment.write(records.buffer(), 100);
            FileSlice slice = new FileSlice(segment, 100, records.sizeInBytes());
            FetchResponseData body = new FetchResponseData().setResponses(List.of(new FetchResponseData.FetchableTopicResponse()
                    .setTopicId(Uuid.randomUuid()).setPartitions(List.of(
                            new FetchResponseData.PartitionData().setPartitionIndex(0).setRecords(slice),
                            new FetchResponseData.PartitionData().setPartitionIndex(1).setRecords(records)))));

            List<Object> pieces = ResponseEncoder.encode(UnpooledByteBufAllocator.DEFAULT, 1, ApiKeys.FETCH,
                    ApiKeys.FETCH.latestVersion(), body);

            assertThat(pieces).hasSize(5);
            assertThat(pieces.get(1)).isInstanceOfSatisfying(FileRegion.class, region -> {
                assertThat(region.position()).isEqualTo(100);
                assertThat(region.count()).isEqualTo(records.sizeInBytes());
            });
            assertThat(((ByteBuf) pieces.get(3)).nioBuffer()).isEqualTo(records.buffer());
            long total = pieces.stream().mapToLong(p -> p instanceof ByteBuf b ? b.readableBytes() : ((FileRegion) p).count()).sum();
            assertThat(((ByteBuf) pieces.get(0)).getInt(0)).isEqualTo(total - 4);
            pieces.forEach(ReferenceCountUtil::release);
            assertThat(segment.isOpen()).isTrue();
        }
    }
}
