package dev.kaapanamigrate.testkit.postgres;

import dev.kaapanamigrate.pgserver.PostgresServer;
import dev.kaapanamigrate.pgserver.os.FileTrees;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour across JVMs: the opt-in exit hook, leftover servers, and two JVMs extracting the binaries at once. */
class ChildJvmIT {

    @Test
    void aTerminatedJvmLeavesNoTestkitServerBehind(@TempDir Path tmp) throws Exception {
        PostgresCluster cluster = cluster(tmp);

        Started started = startInChildAndTerminate("start", cluster);

        assertThat(ProcessHandle.of(started.pid).map(ProcessHandle::isAlive).orElse(false))
                .as("postmaster %d, stopped by the exit hook the testkit asked for", started.pid).isFalse();
        assertThat(cluster.dataDir().resolve("postmaster.pid")).as("clean shutdown removes it").doesNotExist();
        assertThat(started.socketDirectory).as("closing removes the private directory").doesNotExist();
        try (PostgresServer again = cluster.start()) {
            assertThat(again.isRunning()).isTrue();
        }
    }

    @Test
    void withoutTheOptInAServerOutlivesItsJvmAndIsStoppedAsALeftover(@TempDir Path tmp) throws Exception {
        PostgresCluster cluster = cluster(tmp);

        Started started = startInChildAndTerminate("start-without-exit-hook", cluster);
        try {
            assertThat(ProcessHandle.of(started.pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("the library registers no JVM exit hook unasked").isTrue();

            assertThat(PostgresServer.stopLeftover(cluster.dataDir(), started.pid, started.startedAt,
                    cluster.binaries())).isTrue();

            assertThat(ProcessHandle.of(started.pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(cluster.dataDir().resolve("postmaster.pid")).as("a clean shutdown").doesNotExist();
            assertThat(started.socketDirectory).as("the dead JVM's private directory is removed").doesNotExist();
            assertThat(PostgresServer.stopLeftover(cluster.dataDir(), started.pid, started.startedAt,
                    cluster.binaries())).as("nothing left to stop").isFalse();
        } finally {
            ProcessHandle.of(started.pid).ifPresent(p -> {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            });
            FileTrees.deleteRecursively(started.socketDirectory); // when the test failed before stopLeftover
        }
        try (PostgresServer again = cluster.start()) {
            assertThat(again.isRunning()).isTrue();
        }
    }

    private record Started(long pid, Instant startedAt, Path socketDirectory) {
    }

    private static PostgresCluster cluster(Path tmp) throws IOException {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        return PostgresCluster.create(tmp.resolve("pg"),
                ClusterSpec.builder("u", "pw").database("postgres").syncToDisk(false).build());
    }

    /** Starts a server in a child JVM that never closes it, and terminates that JVM with SIGTERM. */
    private static Started startInChildAndTerminate(String mode, PostgresCluster cluster) throws Exception {
        Process child = ChildJvm.command(mode, cluster.dataDir().toString()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(line).as("the child JVM started a server").startsWith("PID ");
            String[] words = line.split(" ");
            Started started = new Started(Long.parseLong(words[1]),
                    words[2].equals("-") ? null : Instant.parse(words[2]), Path.of(words[3]));
            assertThat(ProcessHandle.of(started.pid).map(ProcessHandle::isAlive)).contains(true);
            child.destroy(); // SIGTERM: the JVM exits and runs its shutdown hooks
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return started;
        } finally {
            child.destroyForcibly();
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
