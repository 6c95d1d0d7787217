import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
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
 * Startup probe for bench/run.sh: waits for a broker that is about to be started and prints the
 * wall-clock time (epoch milliseconds) at which it first answered a Metadata request that lists
 * at least one broker, the moment a client can start working with it.
 *
 * <p>Usage: {@code java -cp <kafka jars> FirstAnsweredRequest HOST:PORT[,HOST:PORT...] TIMEOUT_S
 * [MIN_BROKERS]}. The probe is started (and its JVM warmed up) before the broker; it prints
 * {@code waiting} when ready, so the caller can take the broker's start time after that line. It
 * then connects every 10 ms until a connection is accepted, sends ApiVersions (v3) and a Metadata
 * request for no topics at the highest version both sides know, and prints
 * {@code answered_at_ms=<epoch ms> attempts=<n>}. With several addresses (bench/cluster.sh: one
 * per node of a cluster) it does so for each in turn and prints the time the last one answered;
 * MIN_BROKERS (default 1) is how many brokers the Metadata answer must list, so a cluster counts as
 * started once every node knows all of them. Exit code 1 when not all answered within TIMEOUT_S
 * seconds. Both brokers are probed by this same code, so their startup times are comparable.
 * Single-threaded; one connection at a time.
 */
public class FirstAnsweredRequest {
    private static final int RETRY_MS = 10;
    private static final String CLIENT_ID = "bench-startup-probe";

    public static void main(String[] args) throws Exception {
        long deadlineMs = System.currentTimeMillis() + Long.parseLong(args[1]) * 1000;
        int minBrokers = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        warmUp();
        System.out.println("waiting");
        System.out.flush();
        int attempts = 0;
        for (String hostPort : args[0].split(",")) {
            String[] parts = hostPort.split(":");
            InetSocketAddress address = new InetSocketAddress(parts[0], Integer.parseInt(parts[1]));
            boolean answered = false;
            while (!answered && System.currentTimeMillis() < deadlineMs) {
                attempts++;
                answered = answered(address, deadlineMs, minBrokers);
                if (!answered) {
                    Thread.sleep(RETRY_MS);
                }
            }
            if (!answered) {
                System.out.println("no answer from " + hostPort + " listing " + minBrokers + " broker(s) within "
                        + args[1] + " s after " + attempts + " attempts");
                System.exit(1);
            }
        }
        System.out.println("answered_at_ms=" + System.currentTimeMillis() + " attempts=" + attempts);
    }

    private static boolean answered(InetSocketAddress address, long deadlineMs, int minBrokers) {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(address, 1000);
            socket.setSoTimeout((int) Math.max(1, deadlineMs - System.currentTimeMillis()));
            return metadataBrokers(socket) >= minBrokers;
        } catch (IOException notYet) {
            return false; // refused, reset or closed while the broker starts: try again
        }
    }

    /**
     * Runs the probe's own request and response code once without a broker (serialize both
     * requests, parse a locally built answer to each), so that the probe's class loading and cold
     * code are not counted in the broker's startup time: measured here, a cold probe alone added
     * ~1.8 s to its first answer.
     */
    private static void warmUp() {
        for (int i = 0; i < 20; i++) {
            parseLocally(new ApiVersionsRequest.Builder().build((short) 3),
                    new org.apache.kafka.common.message.ApiVersionsResponseData());
            org.apache.kafka.common.message.MetadataResponseData metadata = new org.apache.kafka.common.message.MetadataResponseData();
            metadata.brokers().add(new org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker()
                    .setNodeId(1).setHost("localhost").setPort(9092));
            parseLocally(new MetadataRequest.Builder(List.of(), false).build(ApiKeys.METADATA.latestVersion()), metadata);
        }
    }

    private static void parseLocally(AbstractRequest request, org.apache.kafka.common.protocol.ApiMessage answer) {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), CLIENT_ID, 1);
        request.serializeWithHeader(header);
        short headerVersion = request.apiKey().responseHeaderVersion(request.version());
        org.apache.kafka.common.message.ResponseHeaderData responseHeader =
                new org.apache.kafka.common.message.ResponseHeaderData().setCorrelationId(1);
        org.apache.kafka.common.protocol.ObjectSerializationCache cache = new org.apache.kafka.common.protocol.ObjectSerializationCache();
        ByteBuffer buffer = ByteBuffer.allocate(responseHeader.size(cache, headerVersion) + answer.size(cache, request.version()));
        org.apache.kafka.common.protocol.ByteBufferAccessor out = new org.apache.kafka.common.protocol.ByteBufferAccessor(buffer);
        responseHeader.write(out, cache, headerVersion);
        answer.write(out, cache, request.version());
        buffer.flip();
        AbstractResponse.parseResponse(buffer, header);
    }

    /** ApiVersions then Metadata on one connection; the number of brokers Metadata lists. */
    private static int metadataBrokers(Socket socket) throws IOException {
        ApiVersionsResponse versions = (ApiVersionsResponse) roundTrip(socket,
                new ApiVersionsRequest.Builder().build((short) 3), 1);
        ApiVersion metadata = versions.apiVersion(ApiKeys.METADATA.id);
        if (metadata == null) {
            return 0;
        }
        short version = (short) Math.min(metadata.maxVersion(), ApiKeys.METADATA.latestVersion());
        MetadataResponse response = (MetadataResponse) roundTrip(socket,
                new MetadataRequest.Builder(List.of(), false).build(version), 2);
        return response.brokers().size();
    }

    private static AbstractResponse roundTrip(Socket socket, AbstractRequest request, int correlationId)
            throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), CLIENT_ID, correlationId);
        ByteBuffer payload = request.serializeWithHeader(header);
        byte[] frame = new byte[4 + payload.remaining()];
        ByteBuffer.wrap(frame).putInt(payload.remaining()).put(payload);
        OutputStream out = socket.getOutputStream();
        out.write(frame);
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        return AbstractResponse.parseResponse(ByteBuffer.wrap(body), header);
    }
}
