package io.runnel.cli;

import org.apache.kafka.common.utils.Time;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * What a command reads from and writes to, its clock and how it makes Kafka clients:
 * {@code System.in/out/err}, {@link Time#SYSTEM} and {@link KafkaClients#REAL} from
 * {@link Main#main}; anything a test likes from {@link Main#run(String[], CommandContext)}.
 */
public record CommandContext(InputStream in, PrintStream out, PrintStream err, Time time, KafkaClients clients) {
}
