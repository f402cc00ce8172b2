package dev.kaapanamigrate.kaapana;

import dev.kaapanamigrate.core.CrashPoints;
import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.ContextKey;
import dev.kaapanamigrate.core.GenericType;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.PreconditionFailedException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.domain.KaapanaNames;
import dev.kaapanamigrate.kaapana.internal.Durable;
import dev.kaapanamigrate.kaapana.internal.Posixish;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The folders below FAST_DATA_DIR that Kaapana 0.5 no longer uses ({@link KaapanaNames#ORPHANED_FOLDERS}:
 * {@code alembic}, the 0.4 backend's generated migration scripts, and {@code os/security-backup}; reference §2):
 * reported, and archived only when asked.
 *
 * <ul>
 *   <li>{@link #report(Path)} (read-only, the default): the check is up to date and names each folder with its file
 *   count and size; the list goes to the context ({@link #ORPHANS}) and the verification; nothing is changed.</li>
 *   <li>{@link #archiveTo(Path, Path)}: each folder is moved (one {@code rename(2)}, never a copy) to the same relative
 *   path below the archive folder ({@code <archive>/alembic}, {@code <archive>/os/security-backup}; folders on the way
 *   get the owner and mode of FAST_DATA_DIR's). The archive folder must be on the file system of FAST_DATA_DIR (the
 *   check compares devices, apply refuses a move the kernel cannot do as a rename) and must not hold them yet; a
 *   folder found in the archive and gone from FAST_DATA_DIR counts as archived. Undeployed state: 0.4 still uses both.
 *   A restore of the database folders does not bring them back (0.4 recreates {@code alembic} at start); move them
 *   back by hand when needed, from the paths the changes name.</li>
 * </ul>
 *
 * <pre>{@code
 * .step(OrphanedFoldersStep.report(fast), RenameDataFoldersStep.ID)                     // or
 * .step(OrphanedFoldersStep.archiveTo(fast, Path.of("/home/kaapana-orphans")), RenameDataFoldersStep.ID)
 * }</pre>
 */
public final class OrphanedFoldersStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "kaapana.orphaned-folders";
    /** The orphaned folders found (and where they were archived). */
    public static final ContextKey<List<OrphanedFolder>> ORPHANS = ContextKey.of("kaapana.orphaned-folders",
            new GenericType<List<OrphanedFolder>>() { });

    private final Path fastDataDir;
    private final Path archive;

    /**
     * A folder 0.5 no longer uses.
     *
     * @param path       its path relative to FAST_DATA_DIR, e.g. {@code os/security-backup}
     * @param files      files in it
     * @param bytes      bytes in them
     * @param archivedTo where it was archived, or {@code null} when it is left in place
     */
    public record OrphanedFolder(String path, long files, long bytes, String archivedTo) {
    }

    private OrphanedFoldersStep(Path fastDataDir, Path archive) {
        this.fastDataDir = Objects.requireNonNull(fastDataDir, "fastDataDir");
        this.archive = archive;
    }

    /**
     * Reports the folders, changes nothing.
     *
     * @param fastDataDir FAST_DATA_DIR
     * @return the step
     */
    public static OrphanedFoldersStep report(Path fastDataDir) {
        return new OrphanedFoldersStep(fastDataDir, null);
    }

    /**
     * Moves the folders into an archive folder on the same file system.
     *
     * @param fastDataDir FAST_DATA_DIR
     * @param archive     the archive folder (created if its parent exists)
     * @return the step
     */
    public static OrphanedFoldersStep archiveTo(Path fastDataDir, Path archive) {
        return new OrphanedFoldersStep(fastDataDir, Objects.requireNonNull(archive, "archive"));
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return archive == null ? "Report the folders Kaapana 0.5 no longer uses (" + String.join(", ",
                KaapanaNames.ORPHANED_FOLDERS) + ")" : "Archive the folders Kaapana 0.5 no longer uses to " + archive;
    }

    @Override
    public PlatformState requiredState() {
        return PlatformState.UNDEPLOYED;
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        List<OrphanedFolder> found = found();
        if (archive == null) {
            ctx.put(ORPHANS, found);
            return StepCheck.upToDate(found.isEmpty() ? "no folder 0.5 no longer uses is there" : "left in place (archive "
                    + "them with OrphanedFoldersStep.archiveTo): " + describe(found));
        }
        Problem problem = archiveProblem(found);
        if (problem != null) {
            return new StepCheck.Blocked(problem);
        }
        List<Change> moves = new ArrayList<>();
        for (OrphanedFolder f : found) {
            moves.add(Change.of(Change.Kind.MOVE, fastDataDir.resolve(f.path()).toString(), null,
                    archive.resolve(f.path()) + " (" + f.files() + " files, " + BackupStep.bytes(f.bytes()) + ")", 1));
        }
        ctx.put(ORPHANS, archived(found));
        return moves.isEmpty() ? StepCheck.upToDate(archivedAlready().isEmpty() ? "no folder 0.5 no longer uses is there"
                : "already archived in " + archive + ": " + archivedAlready()) : StepCheck.pending(moves);
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        List<OrphanedFolder> found = found();
        if (archive == null) {
            ctx.put(ORPHANS, found);
            return List.of();
        }
        Problem problem = archiveProblem(found);
        if (problem != null) {
            throw new PreconditionFailedException(problem);
        }
        List<Change> changes = new ArrayList<>();
        for (OrphanedFolder f : found) {
            Path from = fastDataDir.resolve(f.path());
            Path to = archive.resolve(f.path());
            try {
                createParents(to.getParent());
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
                CrashPoints.reach(ID + ":archived", f.path());
                Durable.syncDirectory(from.getParent());
                Durable.syncDirectory(to.getParent());
            } catch (AtomicMoveNotSupportedException e) {
                throw new MigrationException(Problem.of(KaapanaErrorCode.ARCHIVE_INVALID, from + " cannot be renamed to "
                        + to + " (another file system or mount)", "an archive folder on FAST_DATA_DIR's file system",
                        "configure an archive folder on the same file system and mount as FAST_DATA_DIR"), e);
            } catch (IOException e) {
                throw new MigrationException(Problem.of(KaapanaErrorCode.ARCHIVE_INVALID, "moving " + from + " to " + to
                        + " failed: " + e, "the folder archived", "check the archive folder's permissions"), e);
            }
            changes.add(Change.of(Change.Kind.MOVE, from.toString(), null, to + " (" + f.files() + " files, "
                    + BackupStep.bytes(f.bytes()) + ")", 1));
        }
        List<OrphanedFolder> all = new ArrayList<>(archived(found));
        ctx.put(ORPHANS, all);
        return changes;
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        Verification.Builder v = Verification.builder();
        List<OrphanedFolder> found = found();
        if (archive == null) {
            v.fact("folders 0.5 no longer uses reported, left in place", "listed", found.isEmpty() ? "none there"
                    : describe(found), true);
            return v.build();
        }
        v.expect("left in FAST_DATA_DIR", List.of(), found.stream().map(OrphanedFolder::path).toList());
        List<OrphanedFolder> recorded = ctx.get(ORPHANS).orElse(List.of());
        for (OrphanedFolder f : recorded) {
            Path at = archive.resolve(f.path());
            v.expect("archived " + f.path() + " in " + archive + " (files)", f.files(), Durable.exists(at)
                    ? count(at)[0] : -1L);
        }
        if (recorded.isEmpty()) {
            v.fact("archived", "nothing to archive", "nothing to archive", true);
        }
        return v.build();
    }

    private List<OrphanedFolder> found() {
        List<OrphanedFolder> out = new ArrayList<>();
        for (String rel : KaapanaNames.ORPHANED_FOLDERS) {
            Path p = fastDataDir.resolve(rel);
            if (Durable.exists(p)) {
                long[] c = count(p);
                out.add(new OrphanedFolder(rel, c[0], c[1], null));
            }
        }
        return out;
    }

    private List<String> archivedAlready() {
        return KaapanaNames.ORPHANED_FOLDERS.stream().filter(rel -> !Durable.exists(fastDataDir.resolve(rel))
                && Durable.exists(archive.resolve(rel))).toList();
    }

    private List<OrphanedFolder> archived(List<OrphanedFolder> found) {
        List<OrphanedFolder> out = new ArrayList<>();
        for (OrphanedFolder f : found) {
            out.add(new OrphanedFolder(f.path(), f.files(), f.bytes(), archive.resolve(f.path()).toString()));
        }
        for (String rel : archivedAlready()) {
            long[] c = count(archive.resolve(rel));
            out.add(new OrphanedFolder(rel, c[0], c[1], archive.resolve(rel).toString()));
        }
        return out;
    }

    private Problem archiveProblem(List<OrphanedFolder> found) {
        if (found.isEmpty()) {
            return null;
        }
        Path parent = archive.toAbsolutePath().normalize().getParent();
        if (!Files.isDirectory(archive) && (parent == null || !Files.isDirectory(parent))) {
            return Problem.of(KaapanaErrorCode.ARCHIVE_INVALID, "neither the archive folder " + archive
                    + " nor its parent exists", "an archive folder (or its parent) on FAST_DATA_DIR's file system",
                    "create it, or configure another one");
        }
        Path fast = fastDataDir.toAbsolutePath().normalize();
        for (OrphanedFolder f : found) {
            Path from = fast.resolve(f.path());
            Path to = archive.toAbsolutePath().normalize().resolve(f.path());
            if (to.startsWith(from)) {
                return Problem.of(KaapanaErrorCode.ARCHIVE_INVALID, "the archive folder " + archive + " lies in "
                        + from, "an archive folder outside the folders it receives", "configure another one");
            }
            long source = Posixish.device(from);
            long target = Posixish.device(archive);
            if (source != target) {
                return Problem.of(KaapanaErrorCode.ARCHIVE_INVALID, from + " is on device " + source + " and the archive "
                                + "folder " + archive + " on device " + target, "both on one file system (archiving is a "
                                + "rename, never a copy)", "configure an archive folder on FAST_DATA_DIR's file system");
            }
            if (Durable.exists(to)) {
                return Problem.of(KaapanaErrorCode.ARCHIVE_INVALID, to + " exists already and " + from + " is still there",
                        "an archive that does not hold it yet", "compare the two and remove one, or configure another "
                                + "archive folder; nothing is merged");
            }
        }
        return null;
    }

    private void createParents(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        createParents(dir.getParent());
        Files.createDirectory(dir);
        // The folder on the way mirrors FAST_DATA_DIR's (e.g. os): its owner and mode.
        Path archiveRoot = archive.toAbsolutePath().normalize();
        Path rel = archiveRoot.relativize(dir.toAbsolutePath().normalize());
        Path mirror = rel.toString().isEmpty() ? fastDataDir : fastDataDir.resolve(rel.toString());
        if (Files.isDirectory(mirror)) {
            Files.setAttribute(dir, "unix:uid", Posixish.attribute(mirror, "unix:uid"), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(dir, "unix:gid", Posixish.attribute(mirror, "unix:gid"), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(dir, "unix:mode", Posixish.attribute(mirror, "unix:mode") & 07777, LinkOption.NOFOLLOW_LINKS);
        }
    }

    private static long[] count(Path dir) {
        long[] c = new long[2];
        try (Stream<Path> s = Files.walk(dir)) {
            s.forEach(p -> {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (a.isRegularFile()) {
                        c[0]++;
                        c[1] += a.size();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + dir + ": " + e.getMessage(), e);
        }
        return c;
    }

    private static String describe(List<OrphanedFolder> found) {
        return String.join(", ", found.stream().map(f -> f.path() + " (" + f.files() + " files, "
                + BackupStep.bytes(f.bytes()) + ")").toList());
    }
}
