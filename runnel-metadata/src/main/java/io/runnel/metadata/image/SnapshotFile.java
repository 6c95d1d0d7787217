package io.runnel.metadata.image;

import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.record.RecordBatchCodec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A metadata snapshot on disk: the image as a record batch ({@link ImageRecords}).
 *
 * <p>Format (big-endian): {@code int magic 0x524E4D53 ("RNMS"), short version (0), long term,
 * long index, int batchLength, batch bytes (RecordBatchCodec), int crc32c} where the CRC covers
 * everything before it. Written to a temp file, fsynced and renamed, so a crash leaves either the
 * old or the new snapshot.
 */
public final class SnapshotFile {
    private static final int MAGIC = 0x524E4D53;
    private static final short VERSION = 0;
    private static final int HEADER = 4 + 2 + 8 + 8 + 4;

    private SnapshotFile() {
    }

    public static void write(Path file, MetadataImage image, long term, long index) throws IOException {
        byte[] batch = RecordBatchCodec.encode(ImageRecords.of(image));
        ByteBuffer buffer = ByteBuffer.allocate(HEADER + batch.length + 4);
        buffer.putInt(MAGIC).putShort(VERSION).putLong(term).putLong(index).putInt(batch.length).put(batch);
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, buffer.position());
        buffer.putInt((int) crc.getValue());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, buffer.array());
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Reads a snapshot into an image of {@code clusterId} whose offset is the snapshot's index. */
    public static MetadataImage read(Path file, String clusterId) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file));
        if (buffer.remaining() < HEADER + 4 || buffer.getInt() != MAGIC) {
            throw new IOException("Not a metadata snapshot: " + file);
        }
        short version = buffer.getShort();
        if (version != VERSION) {
            throw new IOException("Unknown metadata snapshot version " + version + " in " + file);
        }
        buffer.getLong();
        long index = buffer.getLong();
        int length = buffer.getInt();
        if (length < 0 || length > buffer.remaining() - 4) {
            throw new IOException("Truncated metadata snapshot " + file);
        }
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, HEADER + length);
        if ((int) crc.getValue() != buffer.getInt(HEADER + length)) {
            throw new IOException("CRC mismatch in metadata snapshot " + file);
        }
        ByteBuffer batch = buffer.slice().limit(length);
        return ImageBuilder.apply(MetadataImage.empty(clusterId), RecordBatchCodec.decode(batch), index);
    }
}
