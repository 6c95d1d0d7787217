package io.runnel.cli;

/** Bad input data (e.g. a produce line without the key separator): one line, exit code 1. */
public final class InputError extends RuntimeException {
    public InputError(String message) {
        super(message);
    }
}
