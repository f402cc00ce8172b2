package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.postgres.internal.FolderFacts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real mounts and file attributes for tests, undone in reverse order by {@link #close()} (with a lazy unmount as
 * the last resort), so that nothing outlives a test. Only folders inside the test's own temporary folder are
 * mounted or bind-mounted.
 */
final class Mounts implements AutoCloseable {

    private final Deque<String[]> undo = new ArrayDeque<>();

    /**
     * Whether this JVM may mount: root, and a probe tmpfs mounts and unmounts.
     *
     * @param scratch an empty folder to probe on
     */
    static boolean available(Path scratch) throws IOException, InterruptedException {
        if (FolderFacts.currentUid() != 0) {
            return false;
        }
        Path probe = Files.createDirectories(scratch.resolve("mount-probe"));
        if (run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe.toString()) != 0) {
            return false;
        }
        run("umount", probe.toString());
        Files.delete(probe);
        return true;
    }

    void tmpfs(Path at, String size) throws IOException, InterruptedException {
        runOrFail("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", at.toString());
        undo.push(new String[] {"umount", at.toString()});
    }

    void bind(Path from, Path at) throws IOException, InterruptedException {
        runOrFail("mount", "--bind", from.toString(), at.toString());
        undo.push(new String[] {"umount", at.toString()});
    }

    /** Makes a folder read-only by bind-mounting it on itself and remounting that read-only. */
    void readOnly(Path dir) throws IOException, InterruptedException {
        bind(dir, dir);
        runOrFail("mount", "-o", "remount,bind,ro", dir.toString());
    }

    /** {@code chattr +i}: not even root may change the folder's entries. */
    void immutable(Path dir) throws IOException, InterruptedException {
        runOrFail("chattr", "+i", dir.toString());
        undo.push(new String[] {"chattr", "-i", dir.toString()});
    }

    private static void runOrFail(String... command) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        if (run(out, command) != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + String.join("\n", out));
        }
    }

    @Override
    public void close() throws IOException {
        List<String> failed = new ArrayList<>();
        boolean interrupted = Thread.interrupted(); // undo everything even when interrupted, then restore the flag
        while (!undo.isEmpty()) {
            String[] command = undo.pop();
            try {
                if (run(command) != 0
                        && !(command[0].equals("umount") && run("umount", "-l", command[1]) == 0)) {
                    failed.add(String.join(" ", command));
                }
            } catch (InterruptedException e) {
                interrupted = true;
                failed.add(String.join(" ", command) + " (interrupted)");
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!failed.isEmpty()) {
            throw new IOException("could not undo: " + failed);
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        return run(new ArrayList<>(), command);
    }

    private static int run(List<String> output, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        output.addAll(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
