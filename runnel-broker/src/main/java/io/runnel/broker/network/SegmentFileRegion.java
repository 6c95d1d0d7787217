package io.runnel.broker.network;

import io.netty.channel.DefaultFileRegion;

import java.nio.channels.FileChannel;

/**
 * A {@link DefaultFileRegion} over a segment's shared {@link FileChannel} that does not close the
 * channel when released. {@code DefaultFileRegion} closes its channel on deallocation, but a
 * segment's channel belongs to storage and serves every reader of that segment.
 *
 * <p>Staying a {@code DefaultFileRegion} matters: the epoll transport sends exactly that class
 * (and subclasses) with {@code sendfile}, and NIO with {@code FileChannel#transferTo}; any other
 * {@code FileRegion} would be copied through a buffer.
 */
final class SegmentFileRegion extends DefaultFileRegion {

    /**
     * @param channel  the segment file, kept open by storage while the region may be in flight
     * @param position byte position of the first byte to send
     * @param count    number of bytes to send
     */
    SegmentFileRegion(FileChannel channel, long position, long count) {
        super(channel, position, count);
    }

    /** Leaves the channel open: storage owns it. */
    @Override
    protected void deallocate() {
    }
}
