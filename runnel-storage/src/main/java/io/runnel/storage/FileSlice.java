package io.runnel.storage;

import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.RecordsSend;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A byte range of a segment file holding whole record batches. The broker never copies it
 * through the heap: the network layer hands {@link #channel()}, {@link #position()} and
 * {@link #sizeInBytes()} to the transport ({@code sendfile} on plaintext).
 *
 * <p>The channel stays open while a slice may be in flight: segments are deleted only after
 * {@code file.delete.delay.ms}.
 */
public final class FileSlice implements BaseRecords {
    private final FileChannel channel;
    private final long position;
    private final int size;

    public FileSlice(FileChannel channel, long position, int size) {
        this.channel = channel;
        this.position = position;
        this.size = size;
    }

    public FileChannel channel() {
        return channel;
    }

    /** Byte position of the first batch in the file. */
    public long position() {
        return position;
    }

    @Override
    public int sizeInBytes() {
        return size;
    }

    @Override
    public RecordsSend<FileSlice> toSend() {
        return new RecordsSend<>(this, size) {
            @Override
            protected int writeTo(TransferableChannel out, int previouslyWritten, int remaining) throws IOException {
                return (int) out.transferFrom(channel, position + previouslyWritten, remaining);
            }
        };
    }
}
