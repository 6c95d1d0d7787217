import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Creates or deletes the benchmark's topics with the Admin client, for bench/run.sh and
 * bench/cluster.sh: one JVM for all topics of a run instead of one TopicCommand JVM per topic
 * (each costs about 1.5 s here).
 *
 * <p>Usage: {@code java -cp <kafka jars> Topics.java create|delete BOOTSTRAP [--partitions N]
 * [--replication-factor R] [--config KEY=VALUE]... TOPIC...}. Created topics have N partitions
 * (default 1), replication factor R (default 1), the given topic configs and the broker's
 * defaults for everything else. Waits for the broker's answers (60 s at most) and exits 1 if any
 * topic failed, naming it.
 */
public class Topics {
    public static void main(String[] args) throws Exception {
        String action = args[0];
        int partitions = 1;
        short replicationFactor = 1;
        Map<String, String> configs = new HashMap<>();
        List<String> topics = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--partitions" -> partitions = Integer.parseInt(args[++i]);
                case "--replication-factor" -> replicationFactor = Short.parseShort(args[++i]);
                case "--config" -> {
                    String[] kv = args[++i].split("=", 2);
                    configs.put(kv[0], kv[1]);
                }
                default -> topics.add(args[i]);
            }
        }
        int n = partitions;
        short rf = replicationFactor;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[1],
                AdminClientConfig.CLIENT_ID_CONFIG, "bench-topics"))) {
            switch (action) {
                case "create" -> admin.createTopics(topics.stream().map(t -> new NewTopic(t, n, rf).configs(configs)).toList())
                        .all().get(60, TimeUnit.SECONDS);
                case "delete" -> admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
                default -> throw new IllegalArgumentException("unknown action " + action + " (create or delete)");
            }
        }
        System.out.println(action + "d " + topics.size() + " topics: " + String.join(" ", topics)
                + (action.equals("create") ? " (" + n + " partitions, RF " + rf + ", " + configs + ")" : ""));
    }
}
