package io.runnel.broker.network;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;

/**
 * One connection's request pipeline: parses each frame, dispatches it without waiting for earlier
 * requests, and writes responses strictly in request order (Kafka's per-connection guarantee).
 *
 * <p>Threading: every method runs on the channel's event loop; futures completed elsewhere hop to it
 * before touching state. Responses that become ready together are flushed once: at the end of a
 * read batch, or in one scheduled flush task for completions arriving from other threads.
 *
 * <p>Backpressure: reading stops (autoRead off) while more than {@link #MAX_PENDING_RESPONSES}
 * responses are outstanding or the channel is not writable, and resumes when both clear.
 *
 * <p>Errors: a bad frame closes the connection with one WARN line; a dispatch failure is answered
 * with the request's error response and one WARN line; responses still pending when the
 * connection closes are dropped.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);
    /** Responses outstanding on one connection before it stops reading requests. */
    static final int MAX_PENDING_RESPONSES = 100;

    private final String listenerName;
    private final String connectionId;
    private final RequestParser parser;
    private final RequestDispatcher dispatcher;
    private final Time time;
    private final NetworkErrors errors;
    private final FrameDecoder frameDecoder;
    private final ArrayDeque<PendingResponse> pending = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private InetSocketAddress clientAddress;
    private boolean closed;
    private boolean inReadBatch;
    private boolean flushScheduled;
    private boolean unflushed;

    /** @param frameDecoder the decoder in front of this handler, resumed when backpressure ends */
    ConnectionHandler(String listenerName, String connectionId, RequestDispatcher dispatcher, Time time,
                      NetworkErrors errors, FrameDecoder frameDecoder) {
        this.listenerName = listenerName;
        this.connectionId = connectionId;
        this.parser = new RequestParser(dispatcher);
        this.dispatcher = dispatcher;
        this.time = time;
        this.errors = errors;
        this.frameDecoder = frameDecoder;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.clientAddress = (InetSocketAddress) ctx.channel().remoteAddress();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closed) {
            return;
        }
        inReadBatch = true;
        long receivedTimeNanos = time.nanoseconds();
        DecodedRequest decoded;
        try {
            decoded = parser.parse((ByteBuffer) msg);
        } catch (InvalidRequestFrameException e) {
            closeConnection(e.getMessage());
            return;
        }
        PendingResponse slot = new PendingResponse(decoded);
        pending.addLast(slot);
        if (decoded instanceof DecodedRequest.Parsed parsed) {
            dispatch(parsed, slot, receivedTimeNanos);
        } else {
            slot.complete(unsupportedApiVersionsResponse());
            writeReadyResponses();
        }
        updateAutoRead();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inReadBatch = false;
        flushIfNeeded();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateAutoRead();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        pending.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof IdleStateEvent)) {
            ctx.fireUserEventTriggered(evt);
        } else if (pending.isEmpty()) {
            // A connection waiting for responses (a long fetch) is not idle.
            LOG.debug("Closing idle connection {} on listener {}", connectionId, listenerName);
            closed = true;
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("Connection from {} on listener {} failed: {}", clientAddress, listenerName, cause.toString());
        } else {
            errors.unexpected();
            LOG.warn("Unexpected error on connection from {} on listener {}; closing it", clientAddress, listenerName, cause);
        }
        closed = true;
        ctx.close();
    }

    private void dispatch(DecodedRequest.Parsed parsed, PendingResponse slot, long receivedTimeNanos) {
        RequestContext context = new RequestContext(parsed.header(), listenerName, clientAddress, connectionId,
                receivedTimeNanos);
        CompletableFuture<ApiMessage> future;
        try {
            future = dispatcher.dispatch(context, parsed.request().data());
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        future.whenComplete((response, failure) -> {
            if (ctx.executor().inEventLoop()) {
                onDispatchComplete(slot, response, failure);
            } else {
                try {
                    ctx.executor().execute(() -> onDispatchComplete(slot, response, failure));
                } catch (RejectedExecutionException serverClosing) {
                    // The event loop is shutting down with its connections: the response is dropped.
                }
            }
        });
    }

    private void onDispatchComplete(PendingResponse slot, ApiMessage response, Throwable failure) {
        if (closed) {
            return;
        }
        if (failure == null) {
            slot.complete(response);
        } else {
            DecodedRequest.Parsed parsed = (DecodedRequest.Parsed) slot.request();
            Throwable cause = unwrap(failure);
            if (parsed.request() instanceof ProduceRequest produce && produce.acks() == 0) {
                // The client expects no response: closing is the only way to tell it (as Kafka does).
                closeConnection("Produce with acks=0 failed: " + cause);
                return;
            }
            try {
                slot.complete(parsed.request().getErrorResponse(cause).data());
            } catch (RuntimeException e) {
                closeConnection("cannot build the error response to " + parsed.header().apiKey().name
                        + " (correlation id " + parsed.header().correlationId() + ") for " + cause + ": " + e);
                return;
            }
            LOG.warn("{} request (correlation id {}) from {} failed unexpectedly; answered with an error response: {}",
                    parsed.header().apiKey().name, parsed.header().correlationId(), clientAddress, cause.toString());
        }
        writeReadyResponses();
        if (!inReadBatch) {
            scheduleFlush();
        }
        updateAutoRead();
    }

    /** Writes, in order, every response at the head of the queue that is complete. */
    private void writeReadyResponses() {
        PendingResponse head;
        while (!closed && (head = pending.peekFirst()) != null && head.isDone()) {
            pending.removeFirst();
            if (head.response() != null) {
                write(head);
            }
        }
    }

    private void write(PendingResponse slot) {
        DecodedRequest request = slot.request();
        List<Object> pieces;
        try {
            pieces = ResponseEncoder.encode(ctx.alloc(), request.correlationId(), request.apiKey(),
                    request.responseVersion(), slot.response());
        } catch (RuntimeException e) {
            errors.unexpected();
            LOG.warn("Cannot encode the {} v{} response (correlation id {}) to {}; closing the connection",
                    request.apiKey().name, request.responseVersion(), request.correlationId(), clientAddress, e);
            closed = true;
            ctx.close();
            return;
        }
        for (Object piece : pieces) {
            ctx.write(piece, ctx.voidPromise());
        }
        unflushed = true;
    }

    private void scheduleFlush() {
        if (!flushScheduled && unflushed) {
            flushScheduled = true;
            ctx.executor().execute(() -> {
                flushScheduled = false;
                flushIfNeeded();
            });
        }
    }

    private void flushIfNeeded() {
        if (unflushed && !closed) {
            unflushed = false;
            ctx.flush();
        }
    }

    private void updateAutoRead() {
        if (closed) {
            return;
        }
        ChannelConfig config = ctx.channel().config();
        boolean shouldRead = pending.size() <= MAX_PENDING_RESPONSES && ctx.channel().isWritable();
        if (config.isAutoRead() != shouldRead) {
            config.setAutoRead(shouldRead);
            if (shouldRead) {
                // Frames received before the pause are still buffered in the decoder; not re-entrant.
                ctx.executor().execute(frameDecoder::resume);
            }
        }
    }

    private ApiVersionsResponseData unsupportedApiVersionsResponse() {
        return new ApiVersionsResponseData()
                .setErrorCode(Errors.UNSUPPORTED_VERSION.code())
                .setApiKeys(dispatcher.apiVersions().duplicate().apiKeys());
    }

    private void closeConnection(String reason) {
        LOG.warn("Closing connection from {} on listener {}: {}", clientAddress, listenerName, reason);
        closed = true;
        pending.clear();
        ctx.close();
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
