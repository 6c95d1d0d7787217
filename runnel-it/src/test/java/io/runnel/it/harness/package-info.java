/**
 * The integration-test harness: brokers on 127.0.0.1 with free ports and temp data dirs, either
 * in the test JVM ({@link io.runnel.it.harness.InProcessBroker}) or as separate processes that
 * can be killed, stopped and paused ({@link io.runnel.it.harness.BrokerProcess}); clusters of such
 * processes whose node-to-node traffic passes through proxies ({@link io.runnel.it.harness.ClusterProcess},
 * {@link io.runnel.it.harness.ClusterNode}, {@link io.runnel.it.harness.NodeLink}); and a
 * TCP proxy that cuts, blackholes or delays the traffic it forwards
 * ({@link io.runnel.it.harness.TcpProxy}). Clients for tests: group members polling on their own
 * thread ({@link io.runnel.it.harness.GroupConsumer}) or in a child JVM that can be killed
 * ({@link io.runnel.it.harness.ChildGroupMember}), and whole-topic writes and reads
 * ({@link io.runnel.it.harness.TopicWriter}, {@link io.runnel.it.harness.TopicReader}). Every test
 * closes what it starts.
 */
package io.runnel.it.harness;
