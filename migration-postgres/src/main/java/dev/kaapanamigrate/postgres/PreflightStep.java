package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.DataFolderMove;
import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.PreconditionFailedException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.postgres.internal.Finding;
import dev.kaapanamigrate.postgres.internal.FolderFacts;
import dev.kaapanamigrate.postgres.internal.LiveServers;
import dev.kaapanamigrate.postgres.internal.MountTable;
import dev.kaapanamigrate.postgres.internal.MoveInspection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, without changing anything and without starting a server, that Kaapana's PostgreSQL data folders
 * can be migrated. It blocks with one problem that lists every finding (what was found, what was expected,
 * how to fix it) when:
 * <ul>
 *   <li>a data folder, under its 0.4 or its 0.5 name ({@link DataFolderMove}), holds a {@code PG_VERSION}
 *   other than {@value #PG_MAJOR} (the major version Kaapana 0.5 runs, migration reference §1);</li>
 *   <li>a live process (a PostgreSQL server) uses one of the folders, found through {@code /proc/<pid>/cwd}
 *   and {@code /proc/<pid>/fd}; a stale {@code postmaster.pid} without such a process is only a note in the
 *   up-to-date detail;</li>
 *   <li>FAST_DATA_DIR or the parent folder of a data folder is not writable (the finding says whether a
 *   read-only mount, an immutable attribute or permissions are the reason);</li>
 *   <li>a data folder is a mount point (also a bind mount on the same file system), lies in a folder that
 *   is one, holds mount points, or is on another file system than FAST_DATA_DIR (the moves must be renames
 *   within one mount; the mounts are read from {@code /proc/self/mountinfo}), or is a symbolic link or no
 *   directory;</li>
 *   <li>a data folder cannot be read by this process (a uid-70 {@code 0700} folder when the migration does
 *   not run as root): it is reported as such, never taken for a missing or foreign folder;</li>
 *   <li>a backup directory is given and it is missing, or its usable space is smaller than the total size of
 *   the data folders.</li>
 * </ul>
 * A folder missing under both names is not a finding here: {@link RenameDataFoldersStep} reports it. Verify
 * runs the same checks again.
 *
 * <pre>{@code
 * MigrationPlan.builder()
 *         .step(new DetectVersionStep(fast))
 *         .step(new PreflightStep(fast, Path.of("/backup")))
 *         .step(new RenameDataFoldersStep(fast))
 *         .build();
 * }</pre>
 */
public final class PreflightStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "postgres.preflight";

    /** The PostgreSQL major version of Kaapana 0.4 and 0.5 (both run 17.2). */
    public static final String PG_MAJOR = "17";

    private static final Logger LOG = LoggerFactory.getLogger(PreflightStep.class);

    private final Path fastDataDir;
    private final Path backupDir;

    /**
     * Creates the step.
     *
     * @param fastDataDir Kaapana's FAST_DATA_DIR
     * @param backupDir   the directory a backup of the data folders goes to, whose free space is checked; or
     *                    {@code null} to skip that check
     */
    public PreflightStep(Path fastDataDir, Path backupDir) {
        this.fastDataDir = Objects.requireNonNull(fastDataDir, "fastDataDir");
        this.backupDir = backupDir;
    }

    /**
     * Checks a PostgreSQL data folder the migration does not move, as the preflight checks the folders it moves: a
     * {@code PG_VERSION} of {@value #PG_MAJOR} and no live process using the folder ({@code /proc/<pid>/cwd} and
     * {@code /proc/<pid>/fd}). For {@code FAST/postgres-dcm4che}, the PACS database, which stays in place.
     *
     * @param folder the data folder
     * @return the findings as one problem each (what was found, expected, the fix); empty when the folder passes. A
     *         missing folder or one without {@code PG_VERSION} is a finding too
     */
    public static List<Problem> checkDataFolder(Path folder) {
        Objects.requireNonNull(folder, "folder");
        List<Problem> out = new ArrayList<>();
        try {
            if (!FolderFacts.isDirectory(folder)) {
                out.add(Finding.problem(List.of(new Finding(folder + (FolderFacts.present(folder) ? " is no directory"
                        : " does not exist"), "a PostgreSQL " + PG_MAJOR + " data folder", "restore " + folder.getFileName()
                        + " from a backup of the installation")), "nothing was changed"));
                return out;
            }
            Path pgVersion = folder.resolve("PG_VERSION");
            String major = FolderFacts.isRegularFile(pgVersion) ? FolderFacts.readText(pgVersion) : null;
            if (!PG_MAJOR.equals(major)) {
                out.add(Finding.problem(List.of(new Finding(folder + (major == null ? " holds no PG_VERSION"
                        : " is a PostgreSQL " + major + " data folder (PG_VERSION)"), "PostgreSQL " + PG_MAJOR
                        + ", the major version Kaapana 0.4 and 0.5 run", "restore " + folder.getFileName()
                        + " from a backup of the installation")), "nothing was changed"));
            }
            LiveServers.scan().judge(folder.toRealPath()).finding().ifPresent(x -> out.add(Finding.problem(
                    List.of(new Finding(x[0], x[1], x[2])), "nothing was changed")));
        } catch (FolderFacts.AccessDenied e) {
            out.add(Finding.problem(List.of(FolderFacts.cannotRead(e)), "nothing was changed"));
        } catch (IOException e) {
            out.add(Finding.problem(List.of(new Finding(folder + " cannot be resolved (" + e.getMessage() + ")",
                    "a readable data folder", "run the migration as a user who can read " + folder)), "nothing was changed"));
        }
        return out;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Check that the PostgreSQL data folders in " + fastDataDir + " can be migrated (PostgreSQL " + PG_MAJOR
                + ", no live server, writable, one file system" + (backupDir == null ? "" : ", space for a backup in "
                + backupDir) + ")";
    }

    @Override
    public PlatformState requiredState() {
        return PlatformState.UNDEPLOYED;
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        Findings f = inspect(LiveServers.scan(ctx));
        if (!f.findings.isEmpty() && ctx.platformState() == PlatformState.SOURCE_RUNNING
                && inspect(LiveServers.none()).findings.isEmpty()) {
            return StepCheck.deferred(PlatformState.UNDEPLOYED, "Kaapana 0.4 still runs on the data folders; every "
                    + "other preflight check passed, and the folders are checked again once the platform is undeployed");
        }
        if (!f.findings.isEmpty()) {
            Problem p = f.problem();
            LOG.warn("Preflight failed: {}", p.message());
            return new StepCheck.Blocked(p);
        }
        f.notes.forEach(n -> LOG.warn("{}", n));
        return StepCheck.upToDate(f.summary());
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        Findings f = inspect(LiveServers.scan(ctx));
        if (!f.findings.isEmpty()) {
            throw new PreconditionFailedException(f.problem());
        }
        return List.of();
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        Findings f = inspect(LiveServers.scan(ctx));
        Verification.Builder v = Verification.builder();
        v.fact("preflight checks of " + fastDataDir, "no findings", f.findings.isEmpty() ? "none"
                : f.problem().found(), f.findings.isEmpty());
        return v.build();
    }

    private final class Findings {
        final List<Finding> findings = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        int folders;
        long bytes;

        Problem problem() {
            return Finding.problem(findings, "nothing was changed");
        }

        String summary() {
            String s = "preflight passed for " + folders + " PostgreSQL data folder(s) in " + fastDataDir + " (PostgreSQL "
                    + PG_MAJOR + ", no live server, writable, same file system"
                    + (backupDir == null ? "" : ", " + bytes + " bytes fit into " + backupDir) + ")";
            return notes.isEmpty() ? s : s + "; notes: " + String.join("; ", notes);
        }
    }

    private Findings inspect(LiveServers procs) {
        Findings r = new Findings();
        Path fast;
        try {
            fast = fastDataDir.toRealPath();
        } catch (java.nio.file.AccessDeniedException e) {
            r.findings.add(FolderFacts.cannotRead(new FolderFacts.AccessDenied(fastDataDir, "resolve", e)));
            return r;
        } catch (IOException e) {
            r.findings.add(new Finding("FAST_DATA_DIR " + fastDataDir + " cannot be read (" + e + ")", "the Kaapana FAST_DATA_DIR",
                    "point FAST_DATA_DIR at the folder that holds the data folders"));
            return r;
        }
        if (!FolderFacts.isDirectory(fast)) {
            r.findings.add(new Finding("FAST_DATA_DIR " + fast + " is not a directory", "the Kaapana FAST_DATA_DIR",
                    "point FAST_DATA_DIR at the folder that holds the data folders"));
            return r;
        }
        MountTable mounts = MoveInspection.readMounts(r.findings);
        MoveInspection.notWritable(mounts, fast, "FAST_DATA_DIR " + fast, "a writable FAST_DATA_DIR (the moves rename "
                + "entries in it)").ifPresent(r.findings::add);
        long fastDev = FolderFacts.stat(fast).device();
        for (DataFolderMove m : DataFolderMove.values()) {
            for (String name : List.of(m.from(), m.to())) {
                Path folder = fast.resolve(name);
                try {
                    if (!FolderFacts.present(folder)) {
                        continue;
                    }
                    if (!FolderFacts.isDirectory(folder)) {
                        // the same finding as the move step's: a link or file at the 0.5 name is removed, not "replaced"
                        r.findings.add(MoveInspection.notADirectory(m, folder, name.equals(m.to())));
                        continue;
                    }
                    r.folders++;
                    checkFolder(r, fast, fastDev, procs, mounts, folder);
                } catch (FolderFacts.AccessDenied e) {
                    r.findings.add(FolderFacts.cannotRead(e));
                }
            }
        }
        if (backupDir != null) {
            checkBackup(r);
        }
        return r;
    }

    private void checkFolder(Findings r, Path fast, long fastDev, LiveServers procs, MountTable mounts, Path folder) {
        Path pgVersion = folder.resolve("PG_VERSION");
        if (FolderFacts.isRegularFile(pgVersion)) {
            String major = FolderFacts.readText(pgVersion);
            if (!major.equals(PG_MAJOR)) {
                r.findings.add(new Finding(folder + " is a PostgreSQL " + major + " data folder (PG_VERSION)",
                        "PostgreSQL " + PG_MAJOR + ", the major version Kaapana 0.4 and 0.5 run",
                        "restore " + folder.getFileName() + " from a backup of the 0.4 installation (a data folder of another "
                        + "major version cannot be opened by Kaapana 0.5's PostgreSQL " + PG_MAJOR + ")"));
            }
        }
        Path parent = folder.getParent();
        if (!parent.equals(fast)) {
            MoveInspection.notWritable(mounts, parent, parent + " (the parent of " + folder.getFileName() + ")",
                    "a writable parent folder, so that the data folder can be renamed").ifPresent(r.findings::add);
        }
        r.findings.addAll(MoveInspection.mountFindings(mounts, fast, fastDev, folder, "", "unmount it and copy its content "
                + "into a folder of that name on the file system of FAST_DATA_DIR, then run again"));
        LiveServers.Verdict v = procs.judge(folder);
        v.finding().ifPresent(x -> r.findings.add(new Finding(x[0], x[1], x[2])));
        v.note().ifPresent(r.notes::add);
        r.bytes += FolderFacts.tree(folder).bytes();
    }

    private void checkBackup(Findings r) {
        if (!Files.isDirectory(backupDir)) {
            r.findings.add(new Finding("the backup directory " + backupDir + " does not exist", "an existing backup directory",
                    "create " + backupDir + " (or configure another backup directory), then run again"));
            return;
        }
        long usable;
        try {
            usable = Files.getFileStore(backupDir).getUsableSpace();
        } catch (IOException e) {
            r.findings.add(new Finding("the free space of " + backupDir + " cannot be read (" + e.getMessage() + ")",
                    "a backup directory on a readable file system", "configure another backup directory"));
            return;
        }
        if (usable < r.bytes) {
            r.findings.add(new Finding(backupDir + " has " + usable + " bytes free", "at least " + r.bytes
                    + " bytes free (the total size of the PostgreSQL data folders)",
                    "free space in " + backupDir + " or configure a backup directory on a larger file system"));
        }
    }
}
