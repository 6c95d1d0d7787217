package io.runnel.coordinator.group.consumer;

import java.util.Locale;

/**
 * {@code group.consumer.migration.policy}: which online conversions between a classic group and a
 * consumer group with members are allowed (Kafka's values; empty groups convert whatever the value).
 */
public enum MigrationPolicy {
    /** Both directions (Kafka's default). */
    BIDIRECTIONAL,
    /** Classic to consumer only: a ConsumerGroupHeartbeat join takes over a classic group. */
    UPGRADE,
    /** Consumer to classic only: when the last consumer-protocol member leaves. */
    DOWNGRADE,
    /** Neither. */
    DISABLED;

    boolean upgradeEnabled() {
        return this == BIDIRECTIONAL || this == UPGRADE;
    }

    boolean downgradeEnabled() {
        return this == BIDIRECTIONAL || this == DOWNGRADE;
    }

    /** Parses a config value, case-insensitively. */
    public static MigrationPolicy parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ConsumerGroupSettings.MIGRATION_POLICY
                    + " must be one of bidirectional, upgrade, downgrade, disabled; got " + value);
        }
    }
}
