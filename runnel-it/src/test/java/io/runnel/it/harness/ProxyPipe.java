package io.runnel.it.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One direction of a {@link ProxyLink}: a reader thread reads chunks (up to 16 KiB, as they come)
 * from the source socket and stamps each with its due time (arrival plus the proxy's delay at
 * that moment); a writer thread writes them to the destination in order once due, or drops them
 * if the proxy is blackholed or cut at that moment. The queue between them holds at most 64
 * chunks, so a slow destination pushes back on the source. The source's EOF is passed on as a
 * half-close (dropped, like data, while blackholed). Any I/O error closes the whole link.
 */
final class ProxyPipe {
    private static final int CHUNK_BYTES = 16 * 1024;
    private static final int QUEUE_CHUNKS = 64;
    private static final Chunk END = new Chunk(new byte[0], 0);

    private final TcpProxy proxy;
    private final ProxyLink link;
    private final Socket source;
    private final Socket destination;
    private final BlockingQueue<Chunk> chunks = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
    private final Thread reader;
    private final Thread writer;

    /** Bytes read from the source, to be written at {@code dueNanos} ({@link System#nanoTime()} scale). */
    private record Chunk(byte[] bytes, long dueNanos) {
    }

    ProxyPipe(TcpProxy proxy, ProxyLink link, String name, Socket source, Socket destination) {
        this.proxy = proxy;
        this.link = link;
        this.source = source;
        this.destination = destination;
        this.reader = daemon(this::readLoop, name + "-read");
        this.writer = daemon(this::writeLoop, name + "-write");
    }

    void start() {
        reader.start();
        writer.start();
    }

    /** Wakes both threads after the link closed the sockets (they may be waiting on the queue or a delay). */
    void stop() {
        reader.interrupt();
        writer.interrupt();
    }

    void join(long timeoutMs) throws InterruptedException {
        reader.join(timeoutMs);
        writer.join(timeoutMs);
    }

    private void readLoop() {
        byte[] buffer = new byte[CHUNK_BYTES];
        try {
            InputStream in = source.getInputStream();
            while (true) {
                int read = in.read(buffer);
                if (read < 0) {
                    chunks.put(END);
                    return;
                }
                chunks.put(new Chunk(Arrays.copyOf(buffer, read), System.nanoTime() + proxy.delayNanos()));
            }
        } catch (IOException e) {
            link.close();
        } catch (InterruptedException e) {
            // the link was closed
        }
    }

    private void writeLoop() {
        try {
            OutputStream out = destination.getOutputStream();
            while (true) {
                Chunk chunk = chunks.take();
                long waitNanos = chunk.dueNanos() - System.nanoTime();
                if (waitNanos > 0) {
                    TimeUnit.NANOSECONDS.sleep(waitNanos); // the injected latency, not synchronization
                }
                if (chunk == END) {
                    if (proxy.forwarding()) {
                        destination.shutdownOutput();
                        link.directionDone();
                    }
                    return;
                }
                if (proxy.forwarding()) {
                    out.write(chunk.bytes());
                    out.flush();
                }
            }
        } catch (IOException e) {
            link.close();
        } catch (InterruptedException e) {
            // the link was closed
        }
    }

    private static Thread daemon(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }
}
