package io.runnel.it.harness;

import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A blocking, one-request-at-a-time Kafka protocol client over a plain socket, for tests that
 * must send what the real clients never would (bad CRCs, garbage frames) or look at exact bytes.
 */
public final class RawKafkaClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int correlationId;

    public RawKafkaClient(String host, int port) {
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(15_000);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a request at the builder's latest version and returns the parsed response. */
    public AbstractResponse send(AbstractRequest.Builder<?> builder) {
        return send(builder, builder.latestAllowedVersion());
    }

    public AbstractResponse send(AbstractRequest.Builder<?> builder, short version) {
        AbstractRequest request = builder.build(version);
        ApiKeys key = request.apiKey();
        RequestHeader header = new RequestHeader(key, version, "runnel-it", ++correlationId);
        writeFrame(request.serializeWithHeader(header));
        ByteBuffer response = readFrame();
        return AbstractResponse.parseResponse(response, header);
    }

    /**
     * Sends generated request data at {@code version}, bypassing the client builders' own checks,
     * and returns the parsed response body.
     */
    public ApiMessage send(ApiKeys key, short version, ApiMessage data) {
        RequestHeader header = new RequestHeader(key, version, "runnel-it", ++correlationId);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        short headerVersion = key.requestHeaderVersion(version);
        int size = header.data().size(cache, headerVersion) + data.size(cache, version);
        ByteBuffer buffer = ByteBuffer.allocate(size);
        ByteBufferAccessor accessor = new ByteBufferAccessor(buffer);
        header.data().write(accessor, cache, headerVersion);
        data.write(accessor, cache, version);
        buffer.flip();
        writeFrame(buffer);
        return AbstractResponse.parseResponse(readFrame(), header).data();
    }

    /** Produces {@code records} to one partition (Produce v12, acks=1) and returns the partition's error. */
    public Errors produce(String topic, int partition, MemoryRecords records) {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(5000);
        data.topicData().add(new ProduceRequestData.TopicProduceData().setName(topic).setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(records))));
        ProduceResponse response = (ProduceResponse) send(ProduceRequest.builder(data), (short) 12);
        return Errors.forCode(response.data().responses().iterator().next().partitionResponses().get(0).errorCode());
    }

    /** Writes raw bytes as they are (the caller builds any frame). */
    public void writeRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a size-prefixed frame around {@code payload}. */
    public void writeFrame(ByteBuffer payload) {
        ByteBuffer frame = ByteBuffer.allocate(4 + payload.remaining());
        frame.putInt(payload.remaining()).put(payload.duplicate()).flip();
        writeRaw(frame.array());
    }

    public ByteBuffer readFrame() {
        try {
            int size = in.readInt();
            byte[] body = new byte[size];
            in.readFully(body);
            return ByteBuffer.wrap(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True once the broker has closed the connection (reads return EOF or reset). */
    public boolean isClosedByPeer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
