package io.runnel.cli;

import org.apache.kafka.common.utils.Time;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;

/**
 * Entry point of the {@code runnel} command ({@code bin/runnel}).
 *
 * <p>Exit codes: 0 success, 1 run-time failure, 2 usage or configuration error. Errors are one
 * line on stderr starting with {@code runnel: }.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Runs one command line with the given streams, the system clock and real Kafka clients. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return run(args, new CommandContext(in, out, err, Time.SYSTEM, KafkaClients.REAL));
    }

    /**
     * Runs one command line and returns its exit code; for tests and embedding. Nothing is
     * printed to System.out/err except the broker's logs. {@code runnel server} blocks until the
     * JVM shuts down.
     */
    public static int run(String[] args, CommandContext context) {
        return commandLine(context).execute(args);
    }

    /** The configured picocli command tree, exposed for tests that inspect options and help. */
    static CommandLine commandLine(CommandContext context) {
        FailureReporter failures = new FailureReporter(context.err());
        return new CommandLine(RunnelCommand.class, new ContextFactory(context))
                .setOut(new PrintWriter(new OutputStreamWriter(context.out(), StandardCharsets.UTF_8), true))
                .setErr(new PrintWriter(new OutputStreamWriter(context.err(), StandardCharsets.UTF_8), true))
                .setParameterExceptionHandler(failures)
                .setExecutionExceptionHandler(failures);
    }

    /** Gives {@link CommandContext} to every command class that takes it in its constructor. */
    private record ContextFactory(CommandContext context) implements IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            for (Constructor<?> constructor : cls.getDeclaredConstructors()) {
                if (constructor.getParameterCount() == 1 && constructor.getParameterTypes()[0] == CommandContext.class) {
                    constructor.setAccessible(true);
                    return cls.cast(constructor.newInstance(context));
                }
            }
            return CommandLine.defaultFactory().create(cls);
        }
    }
}
