package io.runnel.broker.network;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/** A blocking Kafka protocol client over a plain socket, for tests. Not thread-safe. */
final class WireClient implements AutoCloseable {
    static final String CLIENT_ID = "wire-client";

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    WireClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
    }

    /** The request with its header, without the size prefix. */
    static byte[] serialize(AbstractRequest request, int correlationId) {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), CLIENT_ID, correlationId);
        ByteBuffer buffer = request.serializeWithHeader(header);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    void send(AbstractRequest request, int correlationId) throws IOException {
        sendFrame(serialize(request, correlationId));
    }

    /** Sends a size prefix then the bytes. */
    void sendFrame(byte[] frame) throws IOException {
        out.writeInt(frame.length);
        out.write(frame);
        out.flush();
    }

    /** Sends bytes as they are, no size prefix added. */
    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one response frame: header parsed, body left in the returned buffer. */
    Frame receiveFrame(ApiKeys apiKey, short version) throws IOException {
        int size = in.readInt();
        byte[] bytes = new byte[size];
        in.readFully(bytes);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        ResponseHeader header = ResponseHeader.parse(buffer, apiKey.responseHeaderVersion(version));
        return new Frame(header.correlationId(), buffer);
    }

    AbstractResponse receive(ApiKeys apiKey, short version, int expectedCorrelationId) throws IOException {
        Frame frame = receiveFrame(apiKey, version);
        if (frame.correlationId() != expectedCorrelationId) {
            throw new AssertionError("expected correlation id " + expectedCorrelationId + ", got " + frame.correlationId());
        }
        return AbstractResponse.parseResponse(apiKey, new ByteBufferAccessor(frame.body()), version);
    }

    /** True if the server closed the connection (end of stream) within the socket timeout. */
    boolean closedByServer() throws IOException {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (EOFException | java.net.SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    record Frame(int correlationId, ByteBuffer body) {
    }
}
