package dev.kaapanamigrate.pgserver.os;

import static dev.kaapanamigrate.pgserver.os.OsTestSupport.POSTGRES_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalCommandsTest {

    @Test
    void runReturnsTheExitCodeAndAppendsTheOutputToTheLog(@TempDir Path tmp) throws Exception {
        Path log = Files.writeString(tmp.resolve("out.log"), "earlier line\n");

        int rc = ExternalCommands.run(List.of("sh", "-c", "pwd; echo to-stderr >&2; exit 3"), tmp, log,
                Duration.ofSeconds(30));

        assertThat(rc).isEqualTo(3);
        assertThat(Files.readAllLines(log)).containsExactly("earlier line", tmp.toString(), "to-stderr");
        assertThat(ExternalCommands.tail(log, 2)).isEqualTo(tmp + "\nto-stderr");
    }

    @Test
    void aCommandReadsNoInput(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("cat.log");

        assertThat(ExternalCommands.run(List.of("cat"), tmp, log, Duration.ofSeconds(30))).as("cat sees end of input")
                .isZero();
        assertThat(log).isEmptyFile();
    }

    @Test
    void theEnvironmentHasNoPostgresVariables(@TempDir Path tmp) {
        ProcessBuilder pb = ExternalCommands.processBuilder(List.of("true"), tmp, tmp.resolve("log"));

        assertThat(pb.environment()).doesNotContainKeys("PGDATA", "PGPORT", "PGHOST", "PGUSER", "PGPASSWORD",
                "PGDATABASE", "PGOPTIONS", "LD_PRELOAD").containsKey("PATH");
        assertThat(pb.directory()).isEqualTo(tmp.toFile());
    }

    @Test
    void aCommandThatRunsTooLongIsKilledAndReported(@TempDir Path tmp) throws Exception {
        Path pidFile = tmp.resolve("pid");
        Path log = tmp.resolve("sleep.log");

        assertThatThrownBy(() -> ExternalCommands.run(List.of("sh", "-c", "echo $$ > " + pidFile + "; exec sleep 600"),
                tmp, log, Duration.ofSeconds(1))).isInstanceOf(IOException.class)
                .hasMessageContaining("'sh' did not finish within 1 s and was killed");

        long pid = Long.parseLong(Files.readString(pidFile).trim());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void asUserIsTheCommandItselfForThisJvmsUser() {
        List<String> command = List.of("id", "-u");

        assertThat(ExternalCommands.asUser(command, Posix.uid(), Posix.gid())).isEqualTo(command);
        assertThat(ExternalCommands.asUser(command, Posix.uid() + 1, 4242)).containsExactly("setpriv", "--reuid",
                Integer.toString(Posix.uid() + 1), "--regid", "4242", "--clear-groups", "--", "id", "-u");
    }

    @Test
    void asUserRunsTheCommandAsThatUserWithoutSupplementaryGroups(@TempDir Path tmp) throws Exception {
        assumeTrue(Posix.isRoot(), "only root may switch users");
        Posix.chmod(tmp, 0777);
        Path log = tmp.resolve("id.log");

        int rc = ExternalCommands.run(ExternalCommands.asUser(List.of("id"), POSTGRES_ID, POSTGRES_ID), tmp, log,
                Duration.ofSeconds(30));

        assertThat(rc).isZero();
        assertThat(ExternalCommands.tail(log, 1)).startsWith("uid=70").contains("gid=70").doesNotContain("groups=70,");
    }

    @Test
    void tailOfAMissingLogSaysSo(@TempDir Path tmp) {
        assertThat(ExternalCommands.tail(tmp.resolve("none.log"), 5)).contains("not readable").contains("none.log");
    }
}
