package dev.kaapanamigrate.testkit.postgres;

import dev.kaapanamigrate.pgserver.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour across JVMs: the shutdown hook, and two JVMs extracting the binaries at once. */
class ChildJvmIT {

    @Test
    void aTerminatedJvmLeavesNoServerBehind(@TempDir Path tmp) throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        PostgresCluster cluster = PostgresCluster.create(tmp.resolve("pg"),
                ClusterSpec.builder("u", "pw").database("postgres").syncToDisk(false).build());

        Process child = ChildJvm.command("start", cluster.dataDir().toString()).start();
        long pid;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(line).as("the child JVM started a server").startsWith("PID ");
            pid = Long.parseLong(line.substring(4));
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
            child.destroy(); // SIGTERM: the JVM exits and runs its shutdown hooks
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }

        Optional<ProcessHandle> postmaster = ProcessHandle.of(pid);
        assertThat(postmaster.map(ProcessHandle::isAlive).orElse(false)).as("postmaster %d", pid).isFalse();
        assertThat(cluster.dataDir().resolve("postmaster.pid")).as("clean shutdown removes it").doesNotExist();
        try (PostgresServer again = cluster.start()) {
            assertThat(again.isRunning()).isTrue();
        }
    }

    @Test
    void twoJvmsExtractingAtOnceShareOneCompleteTree(@TempDir Path cache) throws Exception {
        Process a = ChildJvm.command("resolve", cache.toString()).start();
        Process b = ChildJvm.command("resolve", cache.toString()).start();
        String homeA = readAll(a);
        String homeB = readAll(b);

        assertThat(a.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(b.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(a.exitValue()).isZero();
        assertThat(b.exitValue()).isZero();
        assertThat(homeA).isEqualTo(homeB).isEqualTo("HOME " + cache.resolve("musl-17.2.0"));
        try (var entries = Files.list(cache)) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("musl-17.2.0", "musl-17.2.0.lock");
        }
        assertThat(cache.resolve("musl-17.2.0/bin/postgres")).isExecutable();
        try (var bins = Files.list(cache.resolve("musl-17.2.0/bin"))) {
            assertThat(bins.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("postgres", "initdb", "pg_ctl");
        }
    }

    private static String readAll(Process p) throws IOException {
        List<String> lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
                .lines().collect(java.util.stream.Collectors.toList());
        return String.join("\n", lines).trim();
    }
}
