package dev.kaapanamigrate.core.internal;

import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.Problem;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a run could take its lock and write its journal in a state directory, found out without writing: the
 * folder that holds it exists, the directory (or that folder, when the directory is still to be made) is writable and
 * why not, nothing but files stand where the journal and lock go, and the file system has room. What only a write
 * could tell (a quota, a file system that lies) is left to the run, which stops with {@code JOURNAL_IO}.
 */
public final class StateDirectoryCheck {

    /** Below this much free space a run would fail to journal. */
    static final long MINIMUM_FREE_BYTES = 1024L * 1024;

    private StateDirectoryCheck() {
    }

    /**
     * The problems that would stop a run, every one of them.
     *
     * @param stateDirectory the state directory
     * @return the problems; empty when a run can start
     */
    public static List<Problem> problems(Path stateDirectory) {
        Path dir = stateDirectory.toAbsolutePath().normalize();
        Path parent = dir.getParent();
        List<Problem> problems = new ArrayList<>();
        if (parent == null || !Files.exists(parent)) {
            problems.add(Problem.of(CoreErrorCode.CONFIGURATION_INVALID, "the folder " + parent + " does not exist (the "
                            + "state directory " + dir + " would be made in it)",
                    "an existing folder: a run makes only the state directory itself, never the folders above it",
                    "check the path for a typo (FAST_DATA_DIR or the state directory you configured); nothing was created"));
            return problems;
        }
        if (!Files.isDirectory(parent)) {
            problems.add(Problem.of(CoreErrorCode.CONFIGURATION_INVALID, parent + " is " + kind(parent) + ", not a folder",
                    "a folder to hold the state directory " + dir.getFileName(),
                    "point the plan at the right folder (a typo in FAST_DATA_DIR?)"));
            return problems;
        }
        Path existing;
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) || Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                problems.add(Problem.of(CoreErrorCode.JOURNAL_IO, "the state directory " + dir + " is " + kind(dir),
                        "a folder holding journal.jsonl and run.lock",
                        "move " + dir + " aside, or configure another state directory"));
                return problems;
            }
            notWritable(dir, "the state directory " + dir).ifPresent(problems::add);
            for (String name : List.of("journal.jsonl", "run.lock")) {
                Path file = dir.resolve(name);
                if (Files.isDirectory(file)) {
                    problems.add(Problem.of(CoreErrorCode.JOURNAL_IO, file + " is a folder", "the " + describe(name)
                            + " as a plain file (or nothing, before the first run)", "remove the folder " + file
                            + " (rmdir, or move it aside), then run again"));
                } else if (Files.exists(file) && !Files.isWritable(file)) {
                    notWritable(file, "the " + describe(name) + " " + file).ifPresent(problems::add);
                }
            }
            existing = dir;
        } else {
            notWritable(parent, "the folder " + parent + ", where the state directory " + dir.getFileName()
                    + " is to be made,").ifPresent(problems::add);
            existing = parent;
        }
        try {
            FileStore store = Files.getFileStore(existing);
            long free = store.getUsableSpace();
            if (free < MINIMUM_FREE_BYTES) {
                problems.add(Problem.of(CoreErrorCode.JOURNAL_IO, "the file system of " + existing + " has " + free
                                + " bytes free", "at least " + MINIMUM_FREE_BYTES + " bytes free for the journal and lock",
                        "free space on that file system (df -h " + existing + " shows it), then run again"));
            }
        } catch (IOException e) {
            // cannot tell: the run finds out
        }
        return problems;
    }

    private static java.util.Optional<Problem> notWritable(Path path, String subject) {
        if (Files.isWritable(path)) {
            return java.util.Optional.empty();
        }
        String expected = "a run can write there (lock and journal)";
        try {
            if (Files.getFileStore(path).isReadOnly()) {
                return java.util.Optional.of(Problem.of(CoreErrorCode.JOURNAL_IO, subject + " is on a read-only file "
                        + "system", expected, "remount it read-write (mount -o remount,rw <mount point>), or configure "
                        + "a state directory on a writable file system"));
            }
        } catch (IOException e) {
            // fall through to the other reasons
        }
        long uid = currentUid();
        if (uid == 0) {
            return java.util.Optional.of(Problem.of(CoreErrorCode.JOURNAL_IO, subject + " is not writable, not even for "
                    + "root (an immutable or append-only attribute: lsattr -d " + path + ")", expected,
                    "clear the attribute (chattr -i -a " + path + "), then run again"));
        }
        return java.util.Optional.of(Problem.of(CoreErrorCode.JOURNAL_IO, subject + " is not writable as uid " + uid
                + " (owner " + owner(path) + ")", expected, "run as root or as the owner of " + path
                + ", or make it writable (chmod u+w)"));
    }

    private static String describe(String name) {
        return name.equals("run.lock") ? "lock file" : "journal";
    }

    private static String kind(Path p) {
        if (Files.isSymbolicLink(p)) {
            return "a symbolic link";
        }
        return Files.isRegularFile(p) ? "a regular file" : Files.isDirectory(p) ? "a folder" : "not a folder";
    }

    private static long currentUid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }

    private static String owner(Path p) {
        try {
            return "uid " + Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "unknown";
        }
    }
}
