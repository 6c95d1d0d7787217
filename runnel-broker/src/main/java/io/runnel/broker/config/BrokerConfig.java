package io.runnel.broker.config;

/** Placeholder: implemented on the cli branch. */
public final class BrokerConfig {
}
