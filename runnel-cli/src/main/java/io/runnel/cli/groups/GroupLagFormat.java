package io.runnel.cli.groups;

import io.runnel.cli.TextTable;

import java.util.ArrayList;
import java.util.List;

/**
 * How {@code runnel groups describe} prints a group: a summary line with the group's total lag,
 * then kafka-consumer-groups.sh's {@code --describe} table (same columns, "-" for unknowns).
 * <pre>
 * Group: g  Type: classic  State: Stable  Members: 2  Total lag: 40
 * GROUP  TOPIC  PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG  CONSUMER-ID  HOST        CLIENT-ID
 * g      t      0          100             120             20   c-1-...      /127.0.0.1  c-1
 * </pre>
 */
final class GroupLagFormat {
    private GroupLagFormat() {
    }

    static List<String> format(GroupLag lag) {
        List<String> lines = new ArrayList<>();
        lines.add("Group: " + lag.group().groupId()
                + "  Type: " + lag.group().type().toString().toLowerCase(java.util.Locale.ROOT)
                + "  State: " + lag.group().groupState()
                + "  Members: " + lag.group().members().size()
                + "  Total lag: " + lag.totalLag());
        if (lag.partitions().isEmpty()) {
            lines.add("(no committed offsets and no assigned partitions)");
            return lines;
        }
        TextTable table = new TextTable("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
                "CONSUMER-ID", "HOST", "CLIENT-ID");
        for (PartitionLag p : lag.partitions()) {
            table.add(lag.group().groupId(), p.partition().topic(), p.partition().partition(),
                    p.committedOffset().isPresent() ? p.committedOffset().getAsLong() : "-",
                    p.endOffset(),
                    p.lag().isPresent() ? p.lag().getAsLong() : "-",
                    p.memberId(), p.host(), p.clientId());
        }
        lines.addAll(table.lines());
        return lines;
    }
}
