package io.runnel.coordinator.group.consumer;

import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.TopicImage;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.Assignment;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.DescribedGroup;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.Member;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.TopicPartitions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds ConsumerGroupDescribe entries from a group's state. Topic names come from the current
 * metadata image; a partition of a topic deleted since is shown with an empty name.
 */
final class GroupDescriptions {

    /** ConsumerGroupDescribe v1's member types: a member using the classic or the consumer protocol. */
    private static final byte CLASSIC_MEMBER_TYPE = 0;
    private static final byte CONSUMER_MEMBER_TYPE = 1;

    private GroupDescriptions() {
    }

    static DescribedGroup describe(ConsumerGroup group, String defaultAssignor, MetadataImage image) {
        List<Member> members = new ArrayList<>();
        group.members().values().forEach(member -> members.add(new Member()
                .setMemberId(member.memberId())
                .setInstanceId(member.instanceId())
                .setRackId(member.rackId())
                .setMemberEpoch(member.memberEpoch())
                .setClientId(member.clientId())
                .setClientHost(member.clientHost())
                .setSubscribedTopicNames(member.subscribedTopicNames())
                .setSubscribedTopicRegex(member.subscribedTopicRegex())
                .setAssignment(assignment(member.assignedPartitions(), image))
                .setTargetAssignment(assignment(group.target(member.memberId()), image))
                .setMemberType(member.usesClassicProtocol() ? CLASSIC_MEMBER_TYPE : CONSUMER_MEMBER_TYPE)));
        return new DescribedGroup()
                .setGroupId(group.groupId())
                .setGroupState(group.state().toString())
                .setGroupEpoch(group.groupEpoch())
                .setAssignmentEpoch(group.assignmentEpoch())
                .setAssignorName(ConsumerGroup.preferredAssignor(group.members().values(), defaultAssignor))
                .setMembers(members);
    }

    private static Assignment assignment(Map<Uuid, Set<Integer>> partitions, MetadataImage image) {
        List<TopicPartitions> topics = new ArrayList<>();
        new TreeMap<>(partitions).forEach((topicId, ps) -> {
            TopicImage topic = image.topicsById().get(topicId);
            topics.add(new TopicPartitions().setTopicId(topicId).setTopicName(topic == null ? "" : topic.name())
                    .setPartitions(ps.stream().sorted().toList()));
        });
        return new Assignment().setTopicPartitions(topics);
    }
}
