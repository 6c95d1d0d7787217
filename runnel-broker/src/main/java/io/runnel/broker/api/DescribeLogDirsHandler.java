package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.storage.LogDirInfo;
import io.runnel.storage.LogManager;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeLogDirs v1-v5: every log directory with the size of each partition in it (all
 * partitions when topics is null); v4+ also total and usable bytes. Offset lag is 0: there are
 * no future (moving) replicas.
 */
public final class DescribeLogDirsHandler implements ApiHandler<DescribeLogDirsRequestData> {
    private final LogManager logs;

    public DescribeLogDirsHandler(LogManager logs) {
        this.logs = logs;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_LOG_DIRS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DescribeLogDirsRequestData request) {
        DescribeLogDirsResponseData response = new DescribeLogDirsResponseData();
        for (Map.Entry<Path, LogDirInfo> dir : logs.describe().entrySet()) {
            LogDirInfo info = dir.getValue();
            DescribeLogDirsResult result = new DescribeLogDirsResult()
                    .setLogDir(dir.getKey().toAbsolutePath().toString())
                    .setTotalBytes(info.totalBytes())
                    .setUsableBytes(info.usableBytes());
            Map<String, DescribeLogDirsTopic> topics = new TreeMap<>();
            info.partitionSizes().forEach((tp, size) -> {
                if (wanted(request, tp)) {
                    topics.computeIfAbsent(tp.topic(), t -> new DescribeLogDirsTopic().setName(t)).partitions().add(
                            new DescribeLogDirsPartition().setPartitionIndex(tp.partition()).setPartitionSize(size));
                }
            });
            result.topics().addAll(topics.values());
            response.results().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }

    private static boolean wanted(DescribeLogDirsRequestData request, TopicPartition tp) {
        if (request.topics() == null) {
            return true;
        }
        var topic = request.topics().find(tp.topic());
        return topic != null && topic.partitions().contains(tp.partition());
    }
}
