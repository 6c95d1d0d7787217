import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Creates or deletes the benchmark's topics with the Admin client, for bench/run.sh: one JVM for
 * all topics of a run instead of one TopicCommand JVM per topic (each costs about 1.5 s here).
 *
 * <p>Usage: {@code java -cp <kafka jars> Topics.java create|delete BOOTSTRAP TOPIC...}. Created
 * topics have 1 partition and replication factor 1, the broker's defaults for everything else.
 * Waits for the broker's answers (60 s at most) and exits 1 if any topic failed, naming it.
 */
public class Topics {
    public static void main(String[] args) throws Exception {
        String action = args[0];
        List<String> topics = Arrays.asList(args).subList(2, args.length);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[1],
                AdminClientConfig.CLIENT_ID_CONFIG, "bench-topics"))) {
            switch (action) {
                case "create" -> admin.createTopics(topics.stream().map(t -> new NewTopic(t, 1, (short) 1)).toList())
                        .all().get(60, TimeUnit.SECONDS);
                case "delete" -> admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
                default -> throw new IllegalArgumentException("unknown action " + action + " (create or delete)");
            }
        }
        System.out.println(action + "d " + topics.size() + " topics: " + String.join(" ", topics));
    }
}
