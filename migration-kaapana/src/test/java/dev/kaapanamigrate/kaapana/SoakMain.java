package dev.kaapanamigrate.kaapana;

import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanPreview;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.pgserver.Libc;
import dev.kaapanamigrate.postgres.TemporaryServers;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The soak's child JVM (started by {@link KaapanaSoakIT} with a java.io.tmpdir of its own): on one installation it
 * repeats run, dry-run and verify-only, and after each cycle prints one line of what the JVM holds: open file
 * descriptors, live threads, files under java.io.tmpdir and under the state directory, heap used after a full
 * collection, and live child processes (temporary PostgreSQL servers).
 * Arguments: FAST_DATA_DIR, the folders' libc (MUSL or GLIBC), the number of cycles.
 */
public final class SoakMain {

    private SoakMain() {
    }

    public static void main(String[] args) throws Exception {
        Path fast = Path.of(args[0]);
        Libc libc = Libc.valueOf(args[1]);
        int cycles = Integer.parseInt(args[2]);
        for (int cycle = 1; cycle <= cycles; cycle++) {
            long start = System.nanoTime();
            MigrationResult run = migration(fast, libc).plan().run();
            PlanPreview check = migration(fast, libc).plan().check();
            MigrationResult verify = migration(fast, libc).plan().verify();
            long ms = (System.nanoTime() - start) / 1_000_000;
            for (MigrationResult r : java.util.List.of(run, verify)) {
                r.steps().stream().filter(st -> st.errorCode() != null).forEach(st -> System.out.println(
                        "step " + st.stepId() + " " + st.status() + " " + st.errorCode() + ": " + st.message()));
            }
            if (check.isBlocked()) {
                System.out.println("dry-run: " + check);
            }
            long heapKiB = heapAfterGc() / 1024;
            System.out.println("SOAK cycle=" + cycle + " fds=" + settledOpenFiles()
                    + " threads=" + ManagementFactory.getThreadMXBean().getThreadCount()
                    + " tmp=" + count(Path.of(System.getProperty("java.io.tmpdir")), true)
                    + " state=" + count(fast.resolve(".kaapana-migrate"), true)
                    + " heapKiB=" + heapKiB
                    + " children=" + ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count()
                    + " run=" + run.status() + " check=" + (check.isBlocked() ? "BLOCKED" : "ok")
                    + " verify=" + verify.status() + " ms=" + ms);
            System.out.println("FDS cycle=" + cycle + " " + openFileTargets());
        }
    }

    private static KaapanaMigration migration(Path fast, Libc libc) {
        return KaapanaMigration.configure(fast).platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .databaseConnections(TemporaryServers.builder(fast).folderLibc(libc).build());
    }

    private static long count(Path dir, boolean recursive) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = recursive ? Files.walk(dir) : Files.list(dir)) {
            return s.count();
        }
    }

    /**
     * The fewest open descriptors over five looks 100 ms apart: a leak stays open through all of them, while a pipe
     * of a server that just stopped or a socket still closing is gone by the next look.
     */
    private static long settledOpenFiles() throws IOException, InterruptedException {
        long fewest = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            fewest = Math.min(fewest, count(Path.of("/proc/self/fd"), false));
            Thread.sleep(100);
        }
        return fewest;
    }

    /** What each open descriptor points to, sorted, so that a cycle that holds more can be compared with the first. */
    private static String openFileTargets() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.map(fd -> {
                try {
                    // socket:[inode] and pipe:[inode] differ in every cycle; their kind is what compares
                    return Files.readSymbolicLink(fd).toString().replaceAll(":\\[\\d+]$", "");
                } catch (IOException closedMeanwhile) {
                    return "(closed)";
                }
            }).sorted().collect(java.util.stream.Collectors.joining("|"));
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
