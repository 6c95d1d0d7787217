package io.runnel.broker.network;

/**
 * A frame that is not a request we can answer (unknown API key, unsupported version, malformed
 * header or body). The connection is closed; the message is the one log line saying why.
 * Carries no stack trace: it is a client's mistake, not ours.
 */
final class InvalidRequestFrameException extends Exception {
    InvalidRequestFrameException(String message) {
        super(message, null, false, false);
    }
}
