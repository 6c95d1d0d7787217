package io.runnel.cli;

import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.RequestHeader;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * What {@code runnel server --check} asks of the node it started: ApiVersions, then Metadata over
 * the client listener, as a client's first two requests. It proves the node answers, and it is
 * also what makes the class-data sharing archive that {@code bin/runnel} trains with {@code --check}
 * cover a first client request, not only start-up.
 */
public final class SelfCheck {
    private static final int TIMEOUT_MS = 10_000;

    private SelfCheck() {
    }

    /** Number of brokers the node lists in its Metadata answer. */
    public static int brokersListed(String host, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            ApiVersionsResponse versions = (ApiVersionsResponse) roundTrip(socket, new ApiVersionsRequest.Builder(
                    new ApiVersionsRequestData().setClientSoftwareName("runnel-check").setClientSoftwareVersion("1"),
                    (short) 3, (short) 3).build((short) 3), 1);
            short metadataVersion = versions.apiVersion(ApiKeys.METADATA.id).maxVersion();
            MetadataResponse metadata = (MetadataResponse) roundTrip(socket,
                    new MetadataRequest.Builder(List.of(), false).build(metadataVersion), 2);
            return metadata.brokers().size();
        }
    }

    private static AbstractResponse roundTrip(Socket socket, AbstractRequest request, int correlationId) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "runnel-check", correlationId);
        ByteBuffer payload = request.serializeWithHeader(header);
        OutputStream out = socket.getOutputStream();
        out.write(ByteBuffer.allocate(4).putInt(payload.remaining()).array());
        out.write(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining());
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        return AbstractResponse.parseResponse(ByteBuffer.wrap(body), header);
    }
}
