package io.runnel.cli;

import picocli.CommandLine.Model.CommandSpec;

/**
 * A command line that parses but makes no sense (options that exclude each other, a missing
 * choice). Reported like a picocli parse error: one line, exit code 2.
 */
public final class UsageError extends RuntimeException {
    public UsageError(String message) {
        super(message);
    }

    /** For a command that only groups subcommands and was given none. */
    public static UsageError missingSubcommand(CommandSpec spec) {
        return new UsageError("missing command: one of " + String.join(", ", spec.subcommands().keySet()));
    }
}
