package io.runnel.cli;

import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {

    static Stream<String> commandPaths() {
        List<String> paths = new ArrayList<>();
        collect(commandLine(), "", paths);
        return paths.stream();
    }

    private static void collect(CommandLine command, String path, List<String> paths) {
        paths.add(path);
        command.getSubcommands().forEach((name, sub) -> collect(sub, (path + " " + name).strip(), paths));
    }

    private static CommandLine commandLine() {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        return Main.commandLine(new CommandContext(new ByteArrayInputStream(new byte[0]), nowhere, nowhere,
                Time.SYSTEM, new TestClients()));
    }

    @ParameterizedTest(name = "runnel {0} --help")
    @MethodSource("commandPaths")
    void everyCommandHasHelp(String path) {
        List<String> args = new ArrayList<>(path.isEmpty() ? List.of() : List.of(path.split(" ")));
        args.add("--help");

        CliRun.Result result = CliRun.run(args.toArray(String[]::new));

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("Usage: runnel" + (path.isEmpty() ? "" : " " + path));
        assertThat(result.err()).isEmpty();
    }

    @Test
    void everyCommandAndOptionIsDescribed() {
        commandPaths().forEach(path -> {
            CommandLine command = commandLine();
            for (String name : path.isEmpty() ? new String[0] : path.split(" ")) {
                command = command.getSubcommands().get(name);
            }
            assertThat(command.getCommandSpec().usageMessage().description()).as(path).isNotEmpty();
            for (OptionSpec option : command.getCommandSpec().options()) {
                assertThat(option.description()).as(path + " " + option.longestName()).isNotEmpty();
            }
            command.getCommandSpec().positionalParameters().forEach(p ->
                    assertThat(p.description()).as(path + " " + p.paramLabel()).isNotEmpty());
        });
    }

    @Test
    void versionIsPrinted() {
        CliRun.Result result = CliRun.run("--version");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("runnel ");
    }

    @Test
    void noCommandIsAUsageError() {
        assertOneLineUsageError(CliRun.run(), "missing command: one of server, dev-cluster, topics, groups, transactions, produce, consume");
        assertOneLineUsageError(CliRun.run("topics"), "missing command: one of create, list, describe, alter, delete");
    }

    @Test
    void unknownCommandOrOptionIsAUsageError() {
        assertOneLineUsageError(CliRun.run("serve"), "serve");
        assertOneLineUsageError(CliRun.run("topics", "list", "--bootstrap"), "--bootstrap");
    }

    @Test
    void topicsCreateWithoutTopicIsAUsageError() {
        assertOneLineUsageError(CliRun.run("topics", "create", "--partitions", "3"), "--topic");
    }

    @Test
    void topicsArgumentsAreCheckedBeforeConnecting() {
        assertOneLineUsageError(CliRun.run("topics", "create", "--topic", "t", "--partitions", "0"), "--partitions");
        assertOneLineUsageError(CliRun.run("topics", "create", "--topic", "t", "--replication-factor", "40000"),
                "--replication-factor");
        assertOneLineUsageError(CliRun.run("topics", "create", "--topic", "t", "--config", "novalue"), "--config");
        assertOneLineUsageError(CliRun.run("topics", "alter", "--topic", "t"), "nothing to alter");
        assertOneLineUsageError(CliRun.run("topics", "create", "--topic", "t", "--partitions", "many"), "many");
    }

    @Test
    void transactionsArgumentsAreCheckedBeforeConnecting() {
        assertOneLineUsageError(CliRun.run("transactions"), "missing command: one of list, describe, abort");
        assertOneLineUsageError(CliRun.run("transactions", "list", "--topic", "t"), "go with --hanging");
        assertOneLineUsageError(CliRun.run("transactions", "list", "--hanging", "--max-transaction-timeout-ms", "-1"),
                "must not be negative");
        assertOneLineUsageError(CliRun.run("transactions", "describe"), "--transactional-id");
        assertOneLineUsageError(CliRun.run("transactions", "abort", "--topic", "t", "--partition", "0"), "--producer-id");
    }

    @Test
    void unreadableCommandConfigIsAConfigError(@TempDir Path dir) {
        Path missing = dir.resolve("client.properties");

        CliRun.Result result = CliRun.run("topics", "list", "--command-config", missing.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.errLines()).containsExactly("runnel: cannot read --command-config " + missing + ": no such file");
    }

    @Test
    void serverConfigErrorsExitWithTwo(@TempDir Path dir) throws Exception {
        CliRun.Result badValue = CliRun.run("server", "--override", "node.id=-3");
        assertThat(badValue.exitCode()).isEqualTo(2);
        assertThat(badValue.errLines()).containsExactly(
                "runnel: Invalid value -3 for configuration node.id: Value must be at least 0");

        Path missing = dir.resolve("server.properties");
        CliRun.Result badFile = CliRun.run("server", "--config", missing.toString());
        assertThat(badFile.exitCode()).isEqualTo(2);
        assertThat(badFile.errLines()).singleElement().asString().startsWith("runnel: ").contains(missing.toString());

        Path ssl = Files.writeString(dir.resolve("ssl.properties"),
                "listener.security.protocol.map=PLAINTEXT:SSL,CONTROLLER:PLAINTEXT\n");
        CliRun.Result unsupported = CliRun.run("server", "-c", ssl.toString());
        assertThat(unsupported.exitCode()).isEqualTo(2);
        assertThat(unsupported.errLines()).singleElement().asString()
                .startsWith("runnel: listener PLAINTEXT uses SSL, which Runnel does not support yet");
    }

    @Test
    void overrideWithoutValueIsAUsageError() {
        assertOneLineUsageError(CliRun.run("server", "--override", "node.id"), "--override");
    }

    static void assertOneLineUsageError(CliRun.Result result, String fragment) {
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.errLines()).singleElement().asString().startsWith("runnel: ").contains(fragment);
        assertThat(result.out()).isEmpty();
    }
}
