package io.runnel.coordinator.group.consumer;

/**
 * Where a member stands in reconciling its current assignment towards its target (KIP-848).
 * The code is stored in the current-assignment record.
 */
public enum MemberState {
    /** The member owns its target at the target epoch (or waits for a newer target). */
    STABLE((byte) 0),
    /** The member must revoke partitions first; it stays in its epoch until it acknowledges. */
    UNREVOKED_PARTITIONS((byte) 1),
    /** The member has moved to the target epoch but waits for partitions other members still own. */
    UNRELEASED_PARTITIONS((byte) 2);

    private final byte code;

    MemberState(byte code) {
        this.code = code;
    }

    public byte code() {
        return code;
    }

    public static MemberState fromCode(byte code) {
        for (MemberState state : values()) {
            if (state.code == code) {
                return state;
            }
        }
        throw new IllegalArgumentException("Unknown member state code " + code);
    }
}
