package io.runnel.cli;

import io.runnel.metadata.StartupException;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.PrintStream;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns every failure into one line on stderr, {@code runnel: <message>}, and an exit code:
 * {@value #USAGE} for usage and configuration errors (including a broker that refuses to start
 * on its storage), {@value #FAILURE} for anything that went wrong at run time. No stack traces:
 * the message is what the user acts on. With the environment variable {@code RUNNEL_DEBUG} set,
 * the stack trace follows the line (for bug reports).
 */
final class FailureReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {
    static final int FAILURE = 1;
    static final int USAGE = 2;

    private final PrintStream err;

    FailureReporter(PrintStream err) {
        this.err = err;
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        return usage(e.getMessage(), e.getCommandLine());
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parseResult) {
        Throwable cause = unwrap(e);
        if (cause instanceof UsageError) {
            return usage(cause.getMessage(), commandLine);
        }
        report(message(cause));
        if (System.getenv("RUNNEL_DEBUG") != null) {
            cause.printStackTrace(err);
        }
        return isConfigurationError(cause) ? USAGE : FAILURE;
    }

    private int usage(String message, CommandLine commandLine) {
        report(message + " (see '" + commandLine.getCommandSpec().qualifiedName() + " --help')");
        return USAGE;
    }

    private void report(String message) {
        err.println("runnel: " + message);
        err.flush();
    }

    /** Config errors, and storage formatted for another node or cluster. */
    private static boolean isConfigurationError(Throwable t) {
        return t instanceof ConfigException || t instanceof StartupException;
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The first line of the message, or the exception's simple name when it has none. */
    static String message(Throwable t) {
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
