/**
 * {@code runnel dev-cluster}: a local multi-node cluster for trying things out, one
 * {@code runnel server} child process per node (see {@link io.runnel.cli.cluster.DevClusterCommand}
 * for why processes), each with a config file a user can start it again from.
 */
package io.runnel.cli.cluster;
