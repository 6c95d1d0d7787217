package io.runnel.cli;

import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs the CLI in-process with captured streams. */
public final class CliRun {
    private CliRun() {
    }

    public record Result(int exitCode, String out, String err) {
        public List<String> errLines() {
            return err.lines().toList();
        }
    }

    public static Result run(String... args) {
        return run(new TestClients(), Time.SYSTEM, "", args);
    }

    public static Result run(KafkaClients clients, Time time, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            CommandContext context = new CommandContext(
                    new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), outStream, errStream, time, clients);
            int code = Main.run(args, context);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }
}
