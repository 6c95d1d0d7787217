package io.runnel.metadata;

/**
 * This node cannot join the metadata quorum as configured (its log dirs belong to another node
 * or cluster, or it is not a voter). The message is one line meant for the operator; the CLI
 * prints it and exits with status 2.
 */
public class StartupException extends RuntimeException {
    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
