package io.runnel.cli;

import org.apache.kafka.common.utils.Time;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * What a command reads from and writes to, and its clock: {@code System.in/out/err} and
 * {@link Time#SYSTEM} from {@link Main#main}, anything a test likes from {@link Main#run}.
 */
public record Streams(InputStream in, PrintStream out, PrintStream err, Time time) {
}
