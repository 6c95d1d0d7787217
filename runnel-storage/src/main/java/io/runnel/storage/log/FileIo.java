package io.runnel.storage.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The write side of segment files, behind an interface so tests can make the disk fail.
 * Production code uses {@link #SYSTEM}.
 */
public interface FileIo {
    /** Plain {@link FileChannel} positional writes and {@code force}. */
    FileIo SYSTEM = new FileIo() {
    };

    /** Writes all of {@code src} at {@code position}. */
    default void writeFully(FileChannel channel, ByteBuffer src, long position) throws IOException {
        long pos = position;
        while (src.hasRemaining()) {
            pos += channel.write(src, pos);
        }
    }

    /** fsync of the file's data (not its metadata). */
    default void force(FileChannel channel) throws IOException {
        channel.force(false);
    }
}
