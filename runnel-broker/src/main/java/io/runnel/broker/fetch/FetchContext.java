package io.runnel.broker.fetch;

import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What one Fetch request reads and how its response is shaped: a full fetch answers every
 * partition, an incremental one only those that changed, and an error context answers with a
 * top-level error and nothing else.
 */
public interface FetchContext {

    /** NONE, or FETCH_SESSION_ID_NOT_FOUND / INVALID_FETCH_SESSION_EPOCH / FETCH_SESSION_TOPIC_ID_ERROR. */
    Errors error();

    /** The session id the response carries (0 for none). */
    int sessionId();

    /** Partitions to read, in the order the response should favour. */
    List<PartitionFetch> partitions();

    /**
     * Filters the read results into the partitions the response carries (all of them for a full
     * fetch) and updates the session's cached state. Called once, when the fetch completes.
     */
    Map<PartitionFetch, PartitionData> responsePartitions(Map<PartitionFetch, PartitionData> read);

    static FetchContext error(Errors error) {
        return new FetchContext() {
            @Override
            public Errors error() {
                return error;
            }

            @Override
            public int sessionId() {
                return 0;
            }

            @Override
            public List<PartitionFetch> partitions() {
                return List.of();
            }

            @Override
            public Map<PartitionFetch, PartitionData> responsePartitions(Map<PartitionFetch, PartitionData> read) {
                return Map.of();
            }
        };
    }

    /**
     * A full fetch, with or without a new session.
     *
     * @param onSent told what the response carries, so a new session knows what its client has seen
     */
    static FetchContext full(int sessionId, List<PartitionFetch> partitions,
                             Consumer<Map<PartitionFetch, PartitionData>> onSent) {
        return new FetchContext() {
            @Override
            public Errors error() {
                return Errors.NONE;
            }

            @Override
            public int sessionId() {
                return sessionId;
            }

            @Override
            public List<PartitionFetch> partitions() {
                return partitions;
            }

            @Override
            public Map<PartitionFetch, PartitionData> responsePartitions(Map<PartitionFetch, PartitionData> read) {
                onSent.accept(read);
                return read;
            }
        };
    }
}
