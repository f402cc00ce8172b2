package dev.kaapanamigrate.kaapana;

import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.domain.DataFolderMove;
import dev.kaapanamigrate.kaapana.internal.BackupUnits;
import dev.kaapanamigrate.kaapana.internal.Durable;
import dev.kaapanamigrate.kaapana.internal.Manifest;
import dev.kaapanamigrate.kaapana.internal.ManifestEntry;
import dev.kaapanamigrate.kaapana.internal.ManifestFiles;
import dev.kaapanamigrate.kaapana.internal.TreeCopy;
import dev.kaapanamigrate.kaapana.internal.TreeVerify;
import dev.kaapanamigrate.kaapana.internal.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backup taken by {@link BackupStep}: verify it, or restore FAST_DATA_DIR from it.
 *
 * <p><b>Restore</b> ({@link #restore}) puts the backed-up top-level folders back and proves them, never deleting
 * anything that has no copy:
 * <ol>
 *   <li>refuses, changing nothing, when the platform runs (if {@linkplain RestoreOptions#refusingWhenRunning asked}),
 *   when the manifest does not match its digest or is not a manifest ({@code BACKUP_MANIFEST_INVALID}), when the backup
 *   was taken of another FAST_DATA_DIR, when any backed-up file differs from the manifest ({@code BACKUP_CORRUPT},
 *   naming it: the whole backup is digested first), or when FAST_DATA_DIR has too little space for the copy;</li>
 *   <li>copies the backup into {@code FAST_DATA_DIR/.kaapana-migrate-restoring} (owners, modes, times, links, holes)
 *   and proves that copy byte-identical to the manifest, attributes included, with nothing extra;</li>
 *   <li>moves aside, into {@code FAST_DATA_DIR/.kaapana-migrate-before-restore-<time>}: what is now at each backed-up
 *   name, what the migration created (the 0.5 names of the five data folders; {@code version} when the backup has
 *   none), and, for a whole-tree backup, every other top-level entry; then renames the proven copies into place (all
 *   renames on the same file system);</li>
 *   <li>moves the migration's state directory (journal and lock) aside into the same folder, so that a later run
 *   starts fresh instead of refusing a journal that no longer describes the installation;</li>
 *   <li>checks the restored folders in place against the manifest once more (names, sizes, attributes) and returns
 *   where everything went.</li>
 * </ol>
 * A restore that fails half-way can be run again: the staging folder is a copy of the backup and is made anew; what
 * was moved aside stays where the result of the first attempt (or the log) says.
 *
 * <pre>{@code
 * KaapanaBackup backup = KaapanaBackup.at(Path.of("/mnt/backup"));
 * RestoreResult restored = backup.restore(fast, RestoreOptions.defaults().refusingWhenRunning(control));
 * log.info("{}", restored.summary());
 * }</pre>
 */
public final class KaapanaBackup {

    private static final Logger LOG = LoggerFactory.getLogger(KaapanaBackup.class);
    private static final String STAGING = BackupUnits.OWN_PREFIX + "-restoring";
    private static final String ASIDE = BackupUnits.OWN_PREFIX + "-before-restore-";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final Path directory;

    private KaapanaBackup(Path directory) {
        this.directory = directory;
    }

    /**
     * The backup {@link BackupStep} writes with {@link BackupOptions#to(Path)}: {@code target/kaapana-backup}.
     *
     * @param target the target folder
     * @return the backup
     */
    public static KaapanaBackup at(Path target) {
        return new KaapanaBackup(Objects.requireNonNull(target, "target").resolve(BackupOptions.DEFAULT_NAME));
    }

    /**
     * The backup of the given options.
     *
     * @param options the options the backup step used
     * @return the backup
     */
    public static KaapanaBackup of(BackupOptions options) {
        return new KaapanaBackup(options.directory());
    }

    /**
     * The backup a run recorded ({@link BackupStep#BACKUP}).
     *
     * @param record the record
     * @return the backup
     */
    public static KaapanaBackup of(BackupRecord record) {
        return new KaapanaBackup(Path.of(record.directory()));
    }

    /**
     * The backup folder.
     *
     * @return the folder
     */
    public Path directory() {
        return directory;
    }

    /**
     * The manifest beside the backup folder.
     *
     * @return {@code <folder>.manifest.json}
     */
    public Path manifest() {
        return ManifestFiles.manifestOf(directory);
    }

    /**
     * Whether a completed backup is there (its folder, manifest and manifest digest), without checking its content.
     *
     * @return {@code true} when complete
     */
    public boolean exists() {
        return Files.isDirectory(directory) && Files.isRegularFile(manifest())
                && Files.isRegularFile(ManifestFiles.manifestDigestOf(directory));
    }

    /**
     * Proves the backup byte-identical to its manifest: every file digested, every attribute and link compared, nothing
     * extra.
     *
     * @return what was found
     * @throws MigrationException {@link KaapanaErrorCode#BACKUP_MANIFEST_INVALID} when the manifest cannot be trusted, or
     *                            {@link KaapanaErrorCode#BACKUP_IO} when the backup cannot be read
     */
    public BackupVerification verify() {
        return verify(BackupOptions.defaultThreads());
    }

    /**
     * {@link #verify()} with a number of parallel digest workers.
     *
     * @param threads at least 1
     * @return what was found
     */
    public BackupVerification verify(int threads) {
        Manifest m = readManifest().manifest();
        TreeVerify.Outcome o = verify(m, threads);
        return new BackupVerification(directory, o.passed(), o.entries(), o.files(), o.bytes(),
                o.differences().stream().map(TreeVerify.Difference::describe).toList(), o.count());
    }

    private TreeVerify.Outcome verify(Manifest m, int threads) {
        try {
            return TreeVerify.verify(m.entries(), directory, m.units(), threads, true, true, null);
        } catch (IOException e) {
            throw new MigrationException(Problem.of(KaapanaErrorCode.BACKUP_IO, "cannot read the backup " + directory
                    + ": " + e, "a readable backup", "check the disk and the permissions (run as root)"), e);
        }
    }

    private ManifestFiles.Read readManifest() {
        if (!Files.isDirectory(directory)) {
            throw new MigrationException(Problem.of(KaapanaErrorCode.BACKUP_MANIFEST_INVALID, "there is no backup folder "
                    + directory, "a backup taken by kaapana.backup", "give the target folder of the backup"), null);
        }
        try {
            return ManifestFiles.read(directory);
        } catch (ManifestFiles.InvalidManifestException e) {
            throw new MigrationException(Problem.of(KaapanaErrorCode.BACKUP_MANIFEST_INVALID, e.getMessage(),
                    "a manifest that matches its SHA-256 (" + ManifestFiles.manifestDigestOf(directory).getFileName() + ")",
                    "do not restore from this backup: without an intact manifest nothing proves what it must hold"), null);
        }
    }

    // ------------------------------------------------------------------------------------------------- restore

    /**
     * Restores FAST_DATA_DIR from this backup (see the class description for every stage).
     *
     * @param fastDataDir Kaapana's FAST_DATA_DIR
     * @param options     the options
     * @return what was done and where everything went
     * @throws MigrationException {@link KaapanaErrorCode#RESTORE_REFUSED}, {@link KaapanaErrorCode#BACKUP_MANIFEST_INVALID}
     *                            or {@link KaapanaErrorCode#BACKUP_CORRUPT} with nothing changed;
     *                            {@link KaapanaErrorCode#RESTORE_FAILED} naming where things are when it fails later
     */
    public RestoreResult restore(Path fastDataDir, RestoreOptions options) {
        Objects.requireNonNull(fastDataDir, "fastDataDir");
        Objects.requireNonNull(options, "options");
        long start = System.nanoTime();
        Clock clock = Clock.systemUTC();
        if (options.platformControl() != null) {
            PlatformState state = options.platformControl().current();
            if (state != PlatformState.UNDEPLOYED) {
                throw refused("the platform is " + state + " (" + state.description() + ")", "the platform undeployed",
                        "undeploy it (deploy_platform.sh --undeploy of the running version), then restore: the running "
                                + "services use the folders a restore replaces");
            }
        }
        if (!Files.isDirectory(fastDataDir)) {
            throw refused("FAST_DATA_DIR " + fastDataDir + " is not a folder", "Kaapana's FAST_DATA_DIR",
                    "check the path");
        }
        Path fast = real(fastDataDir);
        ManifestFiles.Read read = readManifest();
        Manifest m = read.manifest();
        if (!m.source().equals(fast.toString())) {
            throw refused("the backup " + directory + " was taken of " + m.source(), "a backup of " + fast,
                    "restore it into the installation it was taken of");
        }
        LOG.info("Restore of {} from {}: verifying the backup against its manifest first", fast, directory);
        TreeVerify.Outcome backupCheck = verify(m, options.threads());
        if (!backupCheck.passed()) {
            throw new MigrationException(Problem.of(KaapanaErrorCode.BACKUP_CORRUPT, "the backup " + directory
                    + " differs from its manifest: " + backupCheck.describe(10), "a backup byte-identical to its manifest",
                    "nothing was changed; do not restore from this backup (its copy is damaged or was changed)"), null);
        }
        long needed = Trees.blocks(directory, List.of(directory)).values().stream().mapToLong(b -> b * 512).sum()
                + 4096L * m.entries().size();
        long usable = usable(fastDataDir);
        Path staging = fastDataDir.resolve(STAGING);
        if (Durable.exists(staging)) {
            needed -= Math.min(needed, Trees.blocks(staging, List.of(staging)).values().stream()
                    .mapToLong(b -> b * 512).sum());
        }
        if (needed > usable) {
            throw refused(String.format(java.util.Locale.ROOT, "%,d bytes usable in %s", usable, fastDataDir),
                    String.format(java.util.Locale.ROOT, "at least %,d bytes for the restored copy (what it replaces is "
                            + "moved aside, not deleted)", needed), "free space in FAST_DATA_DIR's file system");
        }

        // Stage and prove the copy; nothing in FAST_DATA_DIR outside the staging folder changes before it is proven.
        List<ManifestEntry> toCopy = m.entries().stream().filter(e -> e.kind() != ManifestEntry.Kind.SKIPPED).toList();
        List<String> notRestored = m.entries().stream().filter(e -> e.kind() == ManifestEntry.Kind.SKIPPED)
                .map(e -> e.path() + " (" + e.target() + ")").toList();
        TreeVerify.Outcome staged;
        try {
            Trees.delete(staging); // a copy of the backup from an interrupted restore: safe to remove
            Files.createDirectory(staging, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            TreeCopy.copy(toCopy.stream().map(e -> TreeCopy.Item.of(e, directory)).toList(), staging, options.threads(),
                    false, null);
            Durable.syncFileSystem(staging);
            staged = TreeVerify.verify(m.entries(), staging, m.units(), options.threads(), true, true, null);
        } catch (IOException | RuntimeException e) {
            Trees.deleteQuietly(staging);
            throw new MigrationException(Problem.of(KaapanaErrorCode.RESTORE_REFUSED, "copying the backup into " + staging
                    + " failed: " + e, "a complete copy", "nothing else was changed and the staging copy was removed; fix "
                    + "the cause (space, permissions) and restore again"), e);
        }
        if (!staged.passed()) {
            Trees.deleteQuietly(staging);
            throw new MigrationException(Problem.of(KaapanaErrorCode.RESTORE_REFUSED, "the copy of the backup in "
                    + staging + " differs from the manifest: " + staged.describe(10), "a byte-identical copy",
                    "nothing else was changed; check the disk of FAST_DATA_DIR"), null);
        }

        // Swap: move aside what is there, rename the proven copies into place.
        Instant now = clock.instant();
        Path aside = asideDirectory(fastDataDir, now);
        List<RestoreResult.MovedAside> moved = new ArrayList<>();
        List<String> restored = new ArrayList<>();
        Path stateDir = options.stateDirectory() != null ? options.stateDirectory()
                : fastDataDir.resolve(BackupUnits.OWN_PREFIX);
        Predicate<String> excluded = BackupUnits.exclusion(fastDataDir, stateDir);
        Path stateMovedTo = null;
        try {
            Files.createDirectory(aside, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            for (String name : replaced(fastDataDir, m, excluded)) {
                Path from = fastDataDir.resolve(name);
                if (Durable.exists(from)) {
                    Path to = aside.resolve(name);
                    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
                    moved.add(new RestoreResult.MovedAside(from, to));
                }
            }
            for (String unit : m.units()) {
                Path copy = staging.resolve(unit);
                if (Durable.exists(copy)) {
                    Files.move(copy, fastDataDir.resolve(unit), StandardCopyOption.ATOMIC_MOVE);
                    restored.add(unit);
                }
            }
            Durable.syncDirectory(fastDataDir);
            if (Durable.exists(stateDir)) {
                Path s = stateDir.toAbsolutePath().normalize();
                stateMovedTo = s.startsWith(fast) || s.startsWith(fastDataDir.toAbsolutePath().normalize())
                        ? aside.resolve(s.getFileName().toString())
                        : s.resolveSibling(s.getFileName() + ".before-restore-" + STAMP.format(now));
                Files.move(stateDir, stateMovedTo, StandardCopyOption.ATOMIC_MOVE);
                Durable.syncDirectory(stateMovedTo.getParent());
            }
            Durable.syncDirectory(aside);
            Files.delete(staging);
            Durable.syncDirectory(fastDataDir);
        } catch (IOException e) {
            throw new MigrationException(Problem.of(KaapanaErrorCode.RESTORE_FAILED, "moving the folders into place failed: "
                    + e + "; restored so far " + restored + ", moved aside so far " + moved
                    + "; the proven copies not yet in place are in " + staging, "every backed-up folder in place",
                    "nothing was deleted: fix the cause and restore again (the copies are made anew), or move the folders "
                            + "by hand"), e);
        }
        TreeVerify.Outcome inPlace;
        try {
            inPlace = TreeVerify.verify(m.entries(), fastDataDir, m.units(), options.threads(), false, true, null);
        } catch (IOException e) {
            throw new MigrationException(Problem.of(KaapanaErrorCode.RESTORE_FAILED, "cannot read the restored folders: "
                    + e, "readable folders", "check FAST_DATA_DIR"), e);
        }
        if (!inPlace.passed()) {
            throw new MigrationException(Problem.of(KaapanaErrorCode.RESTORE_FAILED, "the restored folders differ from the "
                    + "manifest in place: " + inPlace.describe(10), "the proven copy in place",
                    "something changed FAST_DATA_DIR during the restore; what was replaced is in " + aside), null);
        }
        RestoreResult result = new RestoreResult(directory, fastDataDir, restored, staged.files(), staged.bytes(), aside,
                moved, stateMovedTo, notRestored, clock.instant(), Duration.ofNanos(System.nanoTime() - start));
        LOG.info("{}", result.summary().strip());
        return result;
    }

    /** What the restore moves aside: each backed-up name, what the migration creates, and for a whole tree the rest. */
    private static List<String> replaced(Path fast, Manifest m, Predicate<String> excluded) throws IOException {
        List<String> names = new ArrayList<>(m.units());
        for (DataFolderMove move : DataFolderMove.values()) {
            if (!names.contains(move.to())) {
                names.add(move.to());
            }
        }
        if (!names.contains(BackupUnits.VERSION)) {
            names.add(BackupUnits.VERSION);
        }
        if (BackupScope.WHOLE_TREE.name().equals(m.scope())) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(fast)) {
                for (Path p : ds) {
                    String name = p.getFileName().toString();
                    if (!excluded.test(name) && !names.contains(name)) {
                        names.add(name);
                    }
                }
            }
        }
        names.removeIf(excluded);
        return names;
    }

    private static Path asideDirectory(Path fast, Instant now) {
        Path aside = fast.resolve(ASIDE + STAMP.format(now));
        for (int i = 2; Durable.exists(aside); i++) {
            aside = fast.resolve(ASIDE + STAMP.format(now) + "-" + i);
        }
        return aside;
    }

    private static long usable(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the free space of " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot resolve " + p + ": " + e.getMessage(), e);
        }
    }

    private static MigrationException refused(String found, String expected, String fix) {
        return new MigrationException(Problem.of(KaapanaErrorCode.RESTORE_REFUSED, found, expected, fix + " (nothing was "
                + "changed)"), null);
    }

    @Override
    public String toString() {
        return "KaapanaBackup[" + directory + "]";
    }
}
