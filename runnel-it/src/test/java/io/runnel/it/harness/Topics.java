package io.runnel.it.harness;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;

import static org.awaitility.Awaitility.await;

/**
 * Topic creation on a cluster whose brokers may be briefly fenced: on a loaded machine a broker
 * can miss its 2 s session, and placement then counts too few brokers for the replication
 * factor until it is unfenced again.
 */
public final class Topics {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private Topics() {
    }

    /** Creates the topic, retrying failures for up to a minute; a retry after an answer that got lost finds it created. */
    public static void create(Admin admin, NewTopic topic) {
        await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> createUnlessExists(admin, topic));
    }

    private static void createUnlessExists(Admin admin, NewTopic topic) throws Exception {
        try {
            admin.createTopics(List.of(topic)).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }
}
