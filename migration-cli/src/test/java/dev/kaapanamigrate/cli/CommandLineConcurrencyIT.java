package dev.kaapanamigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.ReliabilityCounts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability suite, concurrency: runs of the command line in JVMs of their own on one generated installation. Two
 * {@code run}s released together by one start signal race for the lock: exactly one migrates the installation, the
 * other exits 7 naming the winner (pid, host, start, run) and writes no journal line. A run paused (SIGSTOP) while it
 * holds the lock is live: the next run is refused and nothing changes; once the paused run is killed with SIGKILL the
 * next run takes its lock over and reports so. Liveness is the operating system's lock on {@code run.lock}, not the
 * pid the file names: a lock file naming a live process (a {@code sleep}, as after pid reuse) that holds no lock is
 * taken over, and that process is left alone.
 */
@KaapanaInstallation
@ExtendWith(ReliabilityCounts.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CommandLineConcurrencyIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HOLDER = Pattern.compile("pid (\\d+) on host (\\S+) since (\\S+) \\(run ([0-9a-f-]{36})\\)");

    @TempDir
    static Path work;

    record Outcome(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    /** A forked {@code java -jar kaapana-migrate.jar}, optionally held back until {@code startSignal} exists. */
    private static Process start(String name, Path startSignal, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        if (startSignal != null) {
            // the shell waits for the signal, then becomes the JVM (exec): both JVMs start within milliseconds
            command.addAll(List.of("sh", "-c", "while [ ! -e \"$0\" ]; do sleep 0.005; done; exec \"$@\"",
                    startSignal.toString()));
        }
        command.addAll(KaapanaMigrateJar.command(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(work.resolve(name + "-out.txt").toFile())
                .redirectError(work.resolve(name + "-err.txt").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("KAAPANA_MIGRATE_"));
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }

    private static Outcome finish(String name, Process p) throws Exception {
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as(name + " ends").isTrue();
        return new Outcome(p.exitValue(), Files.readString(work.resolve(name + "-out.txt")),
                Files.readString(work.resolve(name + "-err.txt")));
    }

    private static List<String> run(GeneratedInstallation install, String name) {
        return List.of("run", "--yes", "--fast-data-dir", install.fastDataDir().toString(), "--platform",
                "undeployed", "--report", work.resolve(name + ".json").toString());
    }

    private static Path state(GeneratedInstallation install) {
        return install.fastDataDir().resolve(".kaapana-migrate");
    }

    private static Set<UUID> journalRuns(GeneratedInstallation install) throws IOException {
        Set<UUID> runs = new HashSet<>();
        for (String line : Files.readAllLines(state(install).resolve("journal.jsonl"))) {
            if (!line.isBlank()) {
                runs.add(UUID.fromString(JSON.readTree(line).path("runId").asText()));
            }
        }
        return runs;
    }

    private static List<String> tree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.map(p -> {
                try {
                    return root.relativize(p) + " " + Files.getLastModifiedTime(p) + " "
                            + (Files.isRegularFile(p) ? Files.size(p) : -1);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().toList();
        }
    }

    @Test
    @Order(1)
    void twoRunsStartedTogetherFromTwoJvmsOneMigratesTheOtherNamesItAndChangesNothing(GeneratedInstallation install)
            throws Exception {
        assumeTrue("musl".equals(install.manifest().postgresLibc().toLowerCase(Locale.ROOT)),
                "the command line's temporary servers run the musl build");
        Path go = work.resolve("go");
        Process a = start("a", go, run(install, "a"));
        Process b = start("b", go, run(install, "b"));
        Thread.sleep(300); // both shells are waiting
        Instant released = Instant.now();
        Files.createFile(go);
        Outcome first = finish("a", a);
        Outcome second = finish("b", b);

        assertThat(List.of(first.exitCode(), second.exitCode())).as(first.all() + "\n----\n" + second.all())
                .containsExactlyInAnyOrder(ExitCodes.INCOMPLETE, ExitCodes.CONCURRENT_RUN);
        boolean aWon = first.exitCode() == ExitCodes.INCOMPLETE;
        Outcome winner = aWon ? first : second;
        Outcome loser = aWon ? second : first;
        long winnerPid = (aWon ? a : b).pid();
        String winnerName = aWon ? "a" : "b";
        ReliabilityCounts.proved(getClass(), "two runs released together: exactly one proceeds (exit 6, the "
                + "other exit 7)");

        Matcher holder = HOLDER.matcher(loser.err());
        assertThat(holder.find()).as(loser.err()).isTrue();
        assertThat(loser.err()).contains("[CONCURRENT_RUN]", "holds the lock");
        assertThat(Long.parseLong(holder.group(1))).as("the holder's pid").isEqualTo(winnerPid);
        Instant since = Instant.parse(holder.group(3));
        assertThat(since).as("the holder's start").isBetween(released.minusSeconds(1), Instant.now());
        JsonNode report = JSON.readTree(work.resolve(winnerName + ".json").toFile());
        UUID winnerRun = UUID.fromString(report.path("result").path("runId").asText());
        assertThat(UUID.fromString(holder.group(4))).as("the holder's run").isEqualTo(winnerRun);
        assertThat(holder.group(2)).as("the holder's host").isNotBlank();
        ReliabilityCounts.proved(getClass(), "the refused run names the holder: pid, host, start, run id");

        assertThat(journalRuns(install)).as("only the winner's journal lines").containsExactly(winnerRun);
        assertThat(loser.out()).doesNotContain("APPLIED");
        ReliabilityCounts.proved(getClass(), "the refused run wrote no journal line and applied nothing");

        // the installation ends as a single run leaves it (CommandLineIT, CommandLineDatabaseServersIT)
        assertThat(report.path("result").path("status").asText()).isEqualTo("INCOMPLETE");
        assertThat(report.path("installation").path("state").asText()).isEqualTo("MIGRATED_NOT_DEPLOYED");
        assertThat(winner.out()).contains("APPLIED postgres.migrate-access-information",
                "APPLIED postgres.migrate-dicom-web-filter", "APPLIED postgres.migrate-backend");
        assertThat(install.fastDataDir().resolve("version")).hasContent("0.5.2");
        for (KaapanaDatabase db : KaapanaDatabase.values()) {
            assertThat(install.folder05(db).resolve("PG_VERSION")).exists();
            assertThat(install.folder04(db)).doesNotExist();
        }
        ReliabilityCounts.proved(getClass(), "after the race the installation is what one run leaves: 0.5.2, "
                + "every folder moved");
    }

    @Test
    @Order(2)
    void aPausedHolderIsLiveAndRefusesTheNextRunAndOnceKilledItsLockIsTakenOverAndReported(
            GeneratedInstallation install) throws Exception {
        assumeTrue(Files.exists(install.fastDataDir().resolve("version")), "the race migrated the installation");
        Path lock = state(install).resolve("run.lock");
        Process holder = start("held", null, run(install, "held"));
        String content = "";
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!content.contains("\"pid\":" + holder.pid()) && holder.isAlive() && System.nanoTime() < deadline) {
            content = Files.exists(lock) ? Files.readString(lock, StandardCharsets.UTF_8) : "";
        }
        assertThat(content).as("the run took the lock").contains("\"pid\":" + holder.pid());
        assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(holder.pid())).start().waitFor()).isZero();
        try {
            List<String> before = tree(install.fastDataDir());
            Set<UUID> runsBefore = journalRuns(install);

            Outcome refused = finish("refused", start("refused", null, run(install, "refused")));

            assertThat(refused.exitCode()).as(refused.all()).isEqualTo(ExitCodes.CONCURRENT_RUN);
            assertThat(refused.err()).contains("pid " + holder.pid() + " on host");
            assertThat(tree(install.fastDataDir())).as("the refused run changed nothing").isEqualTo(before);
            assertThat(journalRuns(install)).isEqualTo(runsBefore);
            ReliabilityCounts.proved(getClass(), "a live (paused) holder is not taken over: exit 7 naming it, "
                    + "the installation unchanged");
        } finally {
            holder.destroyForcibly(); // SIGKILL: the operating system releases its lock
            assertThat(holder.waitFor(1, TimeUnit.MINUTES)).isTrue();
        }
        assertThat(Files.readString(lock)).as("a killed run leaves its holder in the file")
                .contains("\"pid\":" + holder.pid());

        Outcome next = finish("next", start("next", null, run(install, "next")));

        assertThat(next.exitCode()).as(next.all()).isNotIn(ExitCodes.CONCURRENT_RUN, ExitCodes.FAILED);
        String notes = JSON.readTree(work.resolve("next.json").toFile()).path("result").path("notes").toString();
        assertThat(notes).contains("took over the lock left by a run that is gone: pid " + holder.pid());
        assertThat(next.err()).contains("Taking over the lock", "pid " + holder.pid());
        ReliabilityCounts.proved(getClass(), "the lock of a run killed with SIGKILL is taken over by the next run, "
                + "which reports it (log and report notes)");
    }

    @Test
    @Order(3)
    void aLockFileNamingALiveProcessThatHoldsNoLockIsTakenOverAndThatProcessIsLeftAlone(
            GeneratedInstallation install) throws Exception {
        assumeTrue(Files.exists(install.fastDataDir().resolve("version")), "the race migrated the installation");
        Path lock = state(install).resolve("run.lock");
        Process sleeper = new ProcessBuilder("sleep", "300").start();
        try {
            UUID run = UUID.randomUUID();
            Files.writeString(lock, "{\"pid\":" + sleeper.pid() + ",\"host\":\"localhost\",\"startedAt\":\""
                    + Instant.now() + "\",\"runId\":\"" + run + "\"}");

            Outcome next = finish("after-sleeper", start("after-sleeper", null, run(install, "after-sleeper")));

            assertThat(next.exitCode()).as(next.all()).isNotIn(ExitCodes.CONCURRENT_RUN, ExitCodes.FAILED);
            assertThat(JSON.readTree(work.resolve("after-sleeper.json").toFile()).path("result").path("notes")
                    .toString()).contains("pid " + sleeper.pid(), run.toString());
            assertThat(sleeper.isAlive()).as("the process the file named is left alone").isTrue();
            assertThat(Files.readString(lock)).as("released: emptied, not deleted").isEmpty();
            ReliabilityCounts.proved(getClass(), "liveness is the OS lock, not the pid: a file naming a live "
                    + "process without the lock is taken over, the process untouched; released locks are emptied");
        } finally {
            sleeper.destroyForcibly();
        }
    }
}
