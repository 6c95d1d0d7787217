package io.runnel.storage.log;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * File names inside a partition directory: every segment file is named by its base offset,
 * zero-padded to 20 digits ({@code 00000000000000000042.log}), as Kafka names them.
 */
public final class SegmentFiles {
    public static final String LOG = ".log";
    public static final String INDEX = ".index";
    public static final String TIME_INDEX = ".timeindex";
    /** Aborted transactions whose marker is in the segment. */
    public static final String TXN_INDEX = ".txnindex";
    /** A segment file the cleaner is still writing (deleted on load). */
    public static final String CLEANED = ".cleaned";
    /** A cleaned segment, complete and fsynced, waiting to replace the segments it was cleaned from. */
    public static final String SWAP = ".swap";
    /** Appended to the files of a segment waiting for {@code file.delete.delay.ms}. */
    public static final String DELETED = ".deleted";

    private static final Pattern OFFSET_NAME = Pattern.compile("^(\\d{20})(\\.[a-z]+)(\\.deleted)?$");

    private SegmentFiles() {
    }

    public static Path file(Path dir, long offset, String suffix) {
        return dir.resolve(String.format("%020d", offset) + suffix);
    }

    /** The offset a file is named after if it ends with {@code suffix} (and nothing more), else -1. */
    public static long offsetOf(Path file, String suffix) {
        Matcher m = OFFSET_NAME.matcher(file.getFileName().toString());
        return m.matches() && m.group(2).equals(suffix) && m.group(3) == null ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * True for leftovers of a previous run that are deleted on load: {@code .deleted},
     * {@code .cleaned}, and {@code .swap} files other than a segment's {@code .log.swap} (which
     * the loader completes instead).
     */
    public static boolean isLeftover(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(DELETED) || name.endsWith(CLEANED) || name.endsWith(SWAP) && swapOffsetOf(file) < 0;
    }

    /** The base offset of a {@code <offset>.log.swap} file, else -1. */
    public static long swapOffsetOf(Path file) {
        String name = file.getFileName().toString();
        String suffix = LOG + SWAP;
        return name.length() == 20 + suffix.length() && name.endsWith(suffix) && name.substring(0, 20).chars()
                .allMatch(Character::isDigit) ? Long.parseLong(name.substring(0, 20)) : -1;
    }
}
