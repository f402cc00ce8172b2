package dev.kaapanamigrate.postgres.internal;

import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.domain.DataFolderMove;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A read-only look at FAST_DATA_DIR: for each of the five moves, whether it is to do, to do after removing an
 * empty target directory, or done; whether {@code keycloak} is to be removed; and every reason not to move
 * anything at all.
 */
public final class MoveInspection {

    /** What apply does for one move. */
    public enum Action {
        /** Rename the source to the absent target. */
        MOVE,
        /** Remove the empty target directory, then rename the source to it. */
        REPLACE_EMPTY_TARGET,
        /** Already at the 0.5 name. */
        DONE
    }

    /** What apply does with the 0.4 folder {@code keycloak}. */
    public enum KeycloakParent {
        /** Not there (already removed). */
        ABSENT,
        /** Empty once keycloak's data folder has moved out: removed. */
        REMOVE,
        /** Holds other content: kept. */
        KEEP
    }

    /** One move as found. */
    public record State(DataFolderMove move, Path source, Path target, Action action) {
    }

    private final Path fast;
    private final List<State> states = new ArrayList<>();
    private final List<Finding> findings = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private KeycloakParent keycloak = KeycloakParent.ABSENT;
    private List<String> keycloakOther = List.of();

    private MoveInspection(Path fast) {
        this.fast = fast;
    }

    /**
     * Inspects FAST_DATA_DIR; changes nothing.
     *
     * @param fastDataDir FAST_DATA_DIR
     * @return the inspection
     */
    public static MoveInspection inspect(Path fastDataDir) {
        return inspect(fastDataDir, LiveServers.scan());
    }

    /**
     * Inspects FAST_DATA_DIR against a given process snapshot; changes nothing.
     *
     * @param fastDataDir FAST_DATA_DIR
     * @param procs       the processes that may use the folders ({@link LiveServers#none()} to leave them out)
     * @return the inspection
     */
    public static MoveInspection inspect(Path fastDataDir, LiveServers procs) {
        Path fast;
        try {
            fast = fastDataDir.toRealPath();
        } catch (IOException e) {
            MoveInspection i = new MoveInspection(fastDataDir.toAbsolutePath());
            if (e instanceof java.nio.file.AccessDeniedException denied) {
                i.findings.add(FolderFacts.cannotRead(new FolderFacts.AccessDenied(fastDataDir, "resolve", denied)));
                return i;
            }
            i.findings.add(new Finding("FAST_DATA_DIR " + fastDataDir + " cannot be read (" + e + ")",
                    "the Kaapana FAST_DATA_DIR folder", "point FAST_DATA_DIR at the folder that holds the 0.4 data folders"));
            return i;
        }
        MoveInspection i = new MoveInspection(fast);
        i.run(procs);
        return i;
    }

    private void run(LiveServers procs) {
        long fastDev = FolderFacts.stat(fast).device();
        MountTable mounts = readMounts(findings);
        notWritable(mounts, fast, "FAST_DATA_DIR " + fast, "a writable FAST_DATA_DIR (the moves rename entries in it)")
                .ifPresent(findings::add);
        for (DataFolderMove move : DataFolderMove.values()) {
            try {
                inspect(move, fastDev, procs, mounts);
            } catch (FolderFacts.AccessDenied e) {
                findings.add(FolderFacts.cannotRead(e));
            }
        }
        Path kc = fast.resolve(DataFolderMove.KEYCLOAK_PARENT);
        try {
            if (FolderFacts.isDirectory(kc)) {
                List<String> other = new ArrayList<>(FolderFacts.names(kc, 20));
                other.remove("db-files");
                keycloakOther = List.copyOf(other);
                keycloak = other.isEmpty() ? KeycloakParent.REMOVE : KeycloakParent.KEEP;
            }
        } catch (FolderFacts.AccessDenied e) {
            findings.add(FolderFacts.cannotRead(e));
        }
    }

    /**
     * Reads this JVM's mount table; when it cannot, adds the finding that says so (a mount point among the
     * data folders could not be ruled out).
     *
     * @param findings where the finding goes
     * @return the table, or {@code null} when it cannot be read
     */
    public static MountTable readMounts(List<Finding> findings) {
        try {
            return MountTable.read();
        } catch (IOException e) {
            findings.add(new Finding("the mount table " + MountTable.SELF + " cannot be read (" + e.getMessage() + ")",
                    "a readable mount table, to tell whether a data folder is a mount point or holds one",
                    "run the migration on the host with /proc mounted, then run again"));
            return null;
        }
    }

    /**
     * The mount findings of a present data folder, or, when the mount table shows none, whether it is on
     * another device than FAST_DATA_DIR all the same (a mount the table does not show).
     *
     * @param mounts  the mount table, or {@code null} when it could not be read
     * @param fast    FAST_DATA_DIR, real path
     * @param fastDev FAST_DATA_DIR's device
     * @param folder  the folder
     * @param label   how the folder is named in messages
     * @param fix     what to do about a folder on another file system
     * @return the findings
     */
    public static List<Finding> mountFindings(MountTable mounts, Path fast, long fastDev, Path folder, String label, String fix) {
        List<Finding> found = mounts == null ? List.of() : mounts.refusals(fast, folder, label);
        if (found.isEmpty() && FolderFacts.stat(folder).device() != fastDev) {
            return List.of(new Finding(label + folder + " is on another file system than FAST_DATA_DIR (a mount point or "
                    + "below one)", "a folder on the file system of " + fast + ", so that the move is a rename", fix));
        }
        return found;
    }

    /**
     * Why a folder whose entries a move renames is not writable, if it is not: a read-only mount (remount it),
     * an attribute that stops even root ({@code chattr +i}), or permissions (run as root).
     *
     * @param mounts   the mount table, or {@code null} when it could not be read
     * @param dir      the folder
     * @param subject  how the folder is named in the message, for example {@code "FAST_DATA_DIR /srv/fast"}
     * @param expected what is expected of it
     * @return the finding, or empty when it is writable
     */
    public static Optional<Finding> notWritable(MountTable mounts, Path dir, String subject, String expected) {
        if (Files.isWritable(dir)) {
            return Optional.empty();
        }
        Optional<MountTable.Mount> mount = mounts == null ? Optional.empty() : mounts.containing(dir);
        if (mount.isPresent() && mount.get().readOnly()) {
            Path at = mount.get().mountPoint();
            return Optional.of(new Finding(subject + " is not writable: it lies in the read-only mount " + at + " ("
                    + mount.get().describe() + ")", expected, "remount " + at + " read-write (mount -o remount,rw " + at
                    + "; for a bind mount: mount -o remount,bind,rw " + at + "), then run again"));
        }
        if (FolderFacts.currentUid() == 0) {
            // root passes every permission check: what stops it is an attribute such as immutable or append-only
            return Optional.of(new Finding(subject + " is not writable, not even for root (immutable or append-only: see "
                    + "lsattr -d " + dir + ")", expected, "clear the attribute (chattr -i -a " + dir + "), then run again"));
        }
        return Optional.of(new Finding(subject + " is not writable as uid " + FolderFacts.currentUid(), expected,
                "run the migration as root (or as the owner of " + dir + ")"));
    }

    private void inspect(DataFolderMove move, long fastDev, LiveServers procs, MountTable mounts) {
        Path s = fast.resolve(move.from());
        Path t = fast.resolve(move.to());
        int before = findings.size();
        Path parent = s.getParent();
        if (!parent.equals(fast) && FolderFacts.present(parent) && !FolderFacts.isDirectory(parent)) {
            findings.add(new Finding(parent + " is " + kind(parent), "a plain directory holding " + s.getFileName(),
                    "replace the link by the real folder (same file system as FAST_DATA_DIR), then run again"));
            return;
        }
        boolean sPresent = FolderFacts.present(s);
        boolean tPresent = FolderFacts.present(t);
        if (sPresent && !FolderFacts.isDirectory(s)) {
            findings.add(notADirectory(move, s, false));
        }
        if (tPresent && !FolderFacts.isDirectory(t)) {
            findings.add(notADirectory(move, t, true));
        }
        if (!sPresent && !tPresent) {
            findings.add(new Finding("neither " + s + " nor " + t + " exists", "the 0.4 data folder " + move.from()
                    + " (or, if already moved, " + move.to() + ")",
                    "check that FAST_DATA_DIR is the Kaapana fast data folder and restore " + move.from() + " from the backup"));
        }
        if (findings.size() > before) {
            return;
        }
        boolean sDir = sPresent;
        boolean tDir = tPresent;
        if (sDir) {
            if (!parent.equals(fast)) {
                notWritable(mounts, parent, parent + " (the folder that holds " + s.getFileName() + ")", "a writable folder, so "
                        + "that " + s.getFileName() + " can be renamed out of it").ifPresent(findings::add);
            }
            if (!FolderFacts.isRegularFile(s.resolve("PG_VERSION"))) {
                findings.add(sourceWithoutData(move, s, t));
            }
            findings.addAll(mountFindings(mounts, fast, fastDev, s, "source ", "unmount it and copy its content into "
                    + s + " on the file system of FAST_DATA_DIR (or move the mount to " + t + " yourself), then run again"));
        }
        Action action = null;
        if (tDir) {
            findings.addAll(mountFindings(mounts, fast, fastDev, t, "target ", "unmount " + t
                    + " and remove the mount point, then run again"));
            boolean tData = FolderFacts.present(t.resolve("PG_VERSION"));
            boolean tEmpty = FolderFacts.isEmpty(t);
            boolean sData = sDir && FolderFacts.isRegularFile(s.resolve("PG_VERSION"));
            if (sDir) {
                if (tEmpty) {
                    action = Action.REPLACE_EMPTY_TARGET;
                } else if (tData && !sData) {
                    action = null; // an empty or foreign source beside the moved data: judged above (sourceWithoutData)
                } else if (tData) {
                    findings.add(new Finding("both " + s + " and " + t + " hold a PostgreSQL data folder (a 0.5 deployment "
                            + "probably initialised " + move.to() + " before the migration)",
                            "only the 0.4 folder " + move.from(), "after checking that " + t + " holds no data you need, "
                            + "move it out of FAST_DATA_DIR (archive it), then run again; never merge the two"));
                } else {
                    findings.add(new Finding("target " + t + " exists and is not empty but is no PostgreSQL data folder ("
                            + String.join(", ", FolderFacts.names(t, 5)) + ")", "no " + move.to() + " yet",
                            "move " + t + " out of FAST_DATA_DIR after checking what it is, then run again"));
                }
            } else if (tData) {
                action = Action.DONE;
            } else {
                findings.add(new Finding("target " + t + (tEmpty ? " is empty" : " has no PG_VERSION file") + " and the source "
                        + s + " is missing", "the data folder at " + move.from() + " or at " + move.to(),
                        "restore the data folder " + move.from() + " from the backup, then run again"));
            }
        } else {
            action = Action.MOVE;
        }
        for (Path folder : List.of(s, t)) {
            if (FolderFacts.isDirectory(folder)) {
                checkLive(procs, folder);
            }
        }
        if (findings.size() == before && action != null) {
            states.add(new State(move, s, t, action));
        }
    }

    /**
     * The finding for something other than a plain directory at a data folder's 0.4 or 0.5 name: the preflight and
     * the move step say the same. A link or file at the 0.5 name is in the way of the rename: remove it. A link at the
     * 0.4 name points at the data elsewhere: put the real folder there. A file at the 0.4 name is no data folder at all.
     *
     * @param move   the move
     * @param folder the path under the 0.4 or the 0.5 name
     * @param target whether it is the 0.5 name
     * @return the finding
     */
    public static Finding notADirectory(DataFolderMove move, Path folder, boolean target) {
        if (target) {
            return new Finding("target " + folder + " is " + kind(folder), "no " + move.to() + " yet (or an empty "
                    + "directory), so that " + move.from() + " can be renamed to it",
                    "remove the link or file " + folder + " after checking what it points to, then run again");
        }
        if (Files.isSymbolicLink(folder)) {
            return new Finding("source " + folder + " is " + kind(folder), "a plain PostgreSQL data directory on the file "
                    + "system of FAST_DATA_DIR", "replace the link by the real folder on the file system of FAST_DATA_DIR "
                    + "(move the data there), then run again");
        }
        return new Finding("source " + folder + " is " + kind(folder), "the PostgreSQL data directory " + move.from(),
                "move the file " + folder + " out of FAST_DATA_DIR after checking what it is, and restore the data folder "
                + move.from() + " from the backup, then run again");
    }

    /**
     * The finding for a folder at the 0.4 name without {@code PG_VERSION}, judged together with the 0.5 name: beside a
     * data folder at the 0.5 name (the data has moved) it is an empty or foreign leftover, never a second data folder,
     * and the fix keeps the moved data.
     */
    private static Finding sourceWithoutData(DataFolderMove move, Path s, Path t) {
        boolean empty = FolderFacts.isEmpty(s);
        String what = empty ? "is an empty folder" : "is no PostgreSQL data folder (no PG_VERSION; it holds "
                + String.join(", ", FolderFacts.names(s, 5)) + ")";
        if (FolderFacts.isDirectory(t) && FolderFacts.isRegularFile(t.resolve("PG_VERSION"))) {
            return new Finding("source " + s + " " + what + ", beside the PostgreSQL data folder " + t + " (the data "
                    + "has already moved to its 0.5 name; " + move.from() + " was recreated afterwards, for example by a "
                    + "0.4 deployment or a restore)", "only " + move.to() + ", which holds the data",
                    (empty ? "remove the empty folder (rmdir " + s + ")"
                            : "check what " + s + " holds and move it out of FAST_DATA_DIR")
                    + "; keep " + t + ", it holds the data; then run again");
        }
        return new Finding("source " + s + " " + what, "the PostgreSQL data folder " + move.from() + " (with PG_VERSION)",
                "check that FAST_DATA_DIR is the Kaapana fast data folder; restore " + move.from() + " from the backup, "
                + "then run again");
    }

    private void checkLive(LiveServers procs, Path folder) {
        LiveServers.Verdict v = procs.judge(folder);
        v.finding().ifPresent(f -> findings.add(new Finding(f[0], f[1], f[2])));
        v.note().ifPresent(notes::add);
    }

    private static String kind(Path p) {
        if (Files.isSymbolicLink(p)) {
            try {
                return "a symbolic link to " + Files.readSymbolicLink(p);
            } catch (IOException e) {
                return "a symbolic link";
            }
        }
        return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? "a file" : "not a directory";
    }

    /**
     * FAST_DATA_DIR with symbolic links resolved.
     *
     * @return the folder
     */
    public Path fast() {
        return fast;
    }

    /**
     * The five moves as found; complete only when {@link #problem()} is empty.
     *
     * @return the states
     */
    public List<State> states() {
        return List.copyOf(states);
    }

    /**
     * Every reason not to move, joined into one problem.
     *
     * @return the problem, or empty when all five moves are safe
     */
    public Optional<Problem> problem() {
        if (findings.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Finding.problem(findings, "nothing was moved"));
    }

    /**
     * Notes for the operator, such as stale {@code postmaster.pid} files.
     *
     * @return the notes
     */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /**
     * What happens to the 0.4 folder {@code keycloak}.
     *
     * @return the action
     */
    public KeycloakParent keycloak() {
        return keycloak;
    }

    /**
     * What {@code keycloak} holds besides {@code db-files}, when it is kept.
     *
     * @return the names (at most 20)
     */
    public List<String> keycloakOther() {
        return keycloakOther;
    }
}
