package io.runnel.it.harness;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.util.Map;

/**
 * One {@link ClusterProcess} shared by the tests of a class: started before the first, waited for
 * until every node is ready again before each (whatever the test before did to it), closed after
 * the last, with a temporary work directory for the tests' own files. Register it as
 * {@code @RegisterExtension static final SharedCluster CLUSTER = new SharedCluster(...)}.
 */
public final class SharedCluster implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    private final int nodeCount;
    private final Map<String, String> overrides;
    private final Map<Integer, Map<String, String>> nodeOverrides;
    private ClusterProcess cluster;
    private Path workDir;

    /** As {@link ClusterProcess#start(int, Map, Map)}. */
    public SharedCluster(int nodeCount, Map<String, String> overrides, Map<Integer, Map<String, String>> nodeOverrides) {
        this.nodeCount = nodeCount;
        this.overrides = overrides;
        this.nodeOverrides = nodeOverrides;
    }

    public SharedCluster(int nodeCount, Map<String, String> overrides) {
        this(nodeCount, overrides, Map.of());
    }

    /** The running cluster. */
    public ClusterProcess get() {
        return cluster;
    }

    /** A directory the tests may write to, deleted after the last test. */
    public Path workDir() {
        return workDir;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        workDir = TempDirs.create("runnel-" + context.getRequiredTestClass().getSimpleName() + "-");
        cluster = ClusterProcess.start(nodeCount, overrides, nodeOverrides);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        cluster.waitForClusterReady();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            TempDirs.delete(workDir);
        }
    }
}
