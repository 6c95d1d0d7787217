package io.runnel.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the Implementation-Version of runnel-cli.jar's manifest. */
final class RunnelVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = RunnelVersion.class.getPackage().getImplementationVersion();
        return new String[] {"runnel " + (version != null ? version : "(development build)")};
    }
}
