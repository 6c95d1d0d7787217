package io.runnel.broker.network;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/** Captures the events of one logger (and its children) while open. */
final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final boolean wasAdditive;

    /** @param quiet also stop the events from reaching the console */
    LogCapture(String loggerName, boolean quiet) {
        logger = (Logger) LoggerFactory.getLogger(loggerName);
        wasAdditive = logger.isAdditive();
        appender.start();
        logger.addAppender(appender);
        if (quiet) {
            logger.setAdditive(false);
        }
    }

    List<ILoggingEvent> events() {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setAdditive(wasAdditive);
        appender.stop();
    }
}
