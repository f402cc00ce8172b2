package dev.kaapanamigrate.kaapana;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.ReliabilityCounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability suite, soak: a JVM of its own ({@link SoakMain}, java.io.tmpdir of its own) repeats the whole plan's
 * run, dry-run and verify-only {@value #CYCLES} times on one generated installation (the first run migrates it, the
 * others find it migrated). After the first cycle (warm-up: class loading, the PostgreSQL binaries unpacked, pools
 * sized) nothing grows: open file descriptors, live threads, files under java.io.tmpdir and in the state directory,
 * heap used after a full collection; and after every cycle no temporary PostgreSQL server (child process) is left.
 */
@KaapanaInstallation
@ExtendWith(ReliabilityCounts.class)
class KaapanaSoakIT {

    static final int CYCLES = 4;
    /** Heap after a full collection may wobble by a few MiB (class data, soft references); a leak per cycle grows. */
    static final long HEAP_TOLERANCE_KIB = 8 * 1024;

    @TempDir
    Path work;

    @Test
    void repeatedRunDryRunAndVerifyGrowNoFilesThreadsTemporaryFilesOrHeap(GeneratedInstallation install)
            throws Exception {
        // the temporary servers run as the folders' owner and keep their socket under java.io.tmpdir: world-traversable
        Path tmp = Files.createTempDirectory("kaapana-soak-");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        try {
            soak(install, tmp);
        } finally {
            try (Stream<Path> files = Files.walk(tmp)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private void soak(GeneratedInstallation install, Path tmp) throws Exception {
        String libc = install.manifest().postgresLibc().toUpperCase(Locale.ROOT);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = work.resolve("soak.log");
        long start = System.nanoTime();
        Process child = new ProcessBuilder(java, "-Xmx512m", "-Djava.io.tmpdir=" + tmp, "-cp", classpath,
                SoakMain.class.getName(), install.fastDataDir().toString(), libc, Integer.toString(CYCLES))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(child.waitFor(10, TimeUnit.MINUTES)).as("the soak ends in bounded time").isTrue();
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        String output = Files.readString(log);
        assertThat(child.exitValue()).as(output).isZero();

        List<Map<String, String>> cycles = new ArrayList<>();
        Map<String, String> openFiles = new HashMap<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("FDS cycle=")) {
                String rest = line.substring("FDS cycle=".length());
                openFiles.put(rest.substring(0, rest.indexOf(' ')), rest.substring(rest.indexOf(' ') + 1));
            }
            if (line.startsWith("SOAK ")) {
                Map<String, String> m = new HashMap<>();
                for (String kv : line.substring(5).split(" ")) {
                    m.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
                cycles.add(m);
            }
        }
        assertThat(cycles).as(output).hasSize(CYCLES);
        assertThat(cycles).as(output).allSatisfy(c -> {
            assertThat(c.get("run")).as("each run ends as an undeployed run without stores does")
                    .isEqualTo("INCOMPLETE");
            assertThat(c.get("check")).isEqualTo("ok");
            assertThat(c.get("verify")).isEqualTo("INCOMPLETE");
        });
        assertThat(install.fastDataDir().resolve("version")).hasContent("0.5.2");
        ReliabilityCounts.proved(getClass(), CYCLES + " cycles of run, dry-run and verify on one installation all "
                + "end as the first");

        Map<String, String> warm = cycles.get(0);
        for (Map<String, String> c : cycles.subList(1, CYCLES)) {
            assertThat(n(c, "fds")).as("open file descriptors, cycle %s; open then and not after the first: %s",
                    c.get("cycle"), beyond(openFiles.get(c.get("cycle")), openFiles.get(warm.get("cycle"))))
                    .isLessThanOrEqualTo(n(warm, "fds"));
            assertThat(n(c, "threads")).as("live threads, cycle " + c.get("cycle")).isLessThanOrEqualTo(
                    n(warm, "threads"));
            assertThat(n(c, "tmp")).as("files under java.io.tmpdir, cycle " + c.get("cycle")).isLessThanOrEqualTo(
                    n(warm, "tmp"));
            assertThat(n(c, "state")).as("files in the state directory, cycle " + c.get("cycle"))
                    .isLessThanOrEqualTo(n(warm, "state"));
            assertThat(n(c, "heapKiB")).as("heap after a full collection, cycle " + c.get("cycle"))
                    .isLessThanOrEqualTo(n(warm, "heapKiB") + HEAP_TOLERANCE_KIB);
        }
        ReliabilityCounts.proved(getClass(), "no growth after the first cycle in open files, threads, temporary "
                + "files, state files or heap");
        assertThat(cycles).allSatisfy(c -> assertThat(n(c, "children")).as("temporary servers left, cycle "
                + c.get("cycle")).isZero());
        ReliabilityCounts.proved(getClass(), "no temporary PostgreSQL server (child process) left after any cycle");
        ReliabilityCounts.note(getClass(), "soak: " + CYCLES + " cycles in " + seconds + " s; "
                + cycles.stream().map(c -> "fds " + c.get("fds") + " threads " + c.get("threads") + " tmp "
                + c.get("tmp") + " state " + c.get("state") + " heap " + c.get("heapKiB") + " KiB "
                + c.get("ms") + " ms").toList());
    }

    /** The descriptor targets of a later cycle that the first cycle's list does not hold (as a multiset). */
    private static List<String> beyond(String later, String first) {
        List<String> extra = new ArrayList<>(List.of(String.valueOf(later).split("\\|")));
        for (String target : String.valueOf(first).split("\\|")) {
            extra.remove(target);
        }
        return extra;
    }

    private static long n(Map<String, String> cycle, String key) {
        return Long.parseLong(cycle.get(key));
    }
}
