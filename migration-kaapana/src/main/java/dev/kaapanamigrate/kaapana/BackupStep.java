package dev.kaapanamigrate.kaapana;

import dev.kaapanamigrate.core.CrashPoints;
import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.ContextKey;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.PreconditionFailedException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.kaapana.internal.BackupUnits;
import dev.kaapanamigrate.kaapana.internal.Durable;
import dev.kaapanamigrate.kaapana.internal.Manifest;
import dev.kaapanamigrate.kaapana.internal.ManifestEntry;
import dev.kaapanamigrate.kaapana.internal.ManifestFiles;
import dev.kaapanamigrate.kaapana.internal.Posixish;
import dev.kaapanamigrate.kaapana.internal.TreeCopy;
import dev.kaapanamigrate.kaapana.internal.TreeNode;
import dev.kaapanamigrate.kaapana.internal.TreeVerify;
import dev.kaapanamigrate.kaapana.internal.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backs up FAST_DATA_DIR (its database folders, or the whole tree) before the migration changes anything: a copy that
 * keeps owners, groups, modes, times, symbolic links, hard links and sparse files, with a manifest of every entry's
 * size and SHA-256 beside it, proven byte-identical to the manifest before it counts. Undeployed state; the Kaapana
 * plan runs it before the folder moves.
 *
 * <ul>
 *   <li><b>Layout</b> in the configured target (which must exist and lie outside FAST_DATA_DIR): the copy
 *   {@code <target>/kaapana-backup/<top-level name>/...}; beside it {@code kaapana-backup.manifest.json} (every entry:
 *   path, kind, size, SHA-256, mode, owner, group, modification time, link text, sparseness),
 *   {@code kaapana-backup.manifest.json.sha256} (the manifest's own digest) and {@code kaapana-backup.sha256sums}
 *   (every file in {@code sha256sum -c} format: {@code cd <target> && sha256sum -c kaapana-backup.sha256sums}).</li>
 *   <li><b>Check</b> (read-only): refuses a missing target or one inside FAST_DATA_DIR, a tree whose owners this
 *   process cannot keep (not root), folders already moved with no backup taken before, and a target with too little
 *   usable space (with the numbers); otherwise lists what apply copies. A backup already there is reused when its
 *   manifest is intact, the copy matches it (names, sizes, owners, modes, times) and it is the one this run's journal
 *   recorded, or, without such a record, the installation still matches it; otherwise it blocks ({@code
 *   BACKUP_STALE}, {@code BACKUP_CORRUPT}) and names what differs.</li>
 *   <li><b>Apply</b>: copies into {@code .kaapana-backup.partial} (a half-written one from a crashed run is removed
 *   first), digests every file while copying it, flushes the target file system, writes the manifest, reads the whole
 *   copy back and compares it with the manifest (content digests, attributes, links, holes, nothing extra), and only
 *   then renames the copy to its final name. Shares {@link BackupRecord} as {@link #BACKUP}.</li>
 *   <li><b>Verify</b>: the manifest matches its digest, the copy matches the manifest (attributes and sizes), and the
 *   content was proven byte-identical (by this run's apply, recorded; else digested now).</li>
 * </ul>
 *
 * <pre>{@code
 * MigrationPlan.builder()
 *         .step(new BackupStep(fast, BackupOptions.to(Path.of("/mnt/backup"))), PreflightStep.ID)
 *         .step(new RenameDataFoldersStep(fast), BackupStep.ID)
 *         ...
 * }</pre>
 */
public final class BackupStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "kaapana.backup";
    /** The verified backup, shared with later steps and journaled. */
    public static final ContextKey<BackupRecord> BACKUP = ContextKey.of("kaapana.backup", BackupRecord.class);

    private static final Logger LOG = LoggerFactory.getLogger(BackupStep.class);
    private static final long REPORT_BYTES = 256L << 20;
    private static final int REPORT_FILES = 500;

    private final Path fastDataDir;
    private final BackupOptions options;

    /**
     * Creates the step.
     *
     * @param fastDataDir Kaapana's FAST_DATA_DIR
     * @param options     where and what to back up
     */
    public BackupStep(Path fastDataDir, BackupOptions options) {
        this.fastDataDir = Objects.requireNonNull(fastDataDir, "fastDataDir");
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Back up " + (options.scope() == BackupScope.WHOLE_TREE ? "FAST_DATA_DIR" : "the database folders of "
                + "FAST_DATA_DIR") + " to " + options.directory() + " (verified copy with a SHA-256 manifest)";
    }

    @Override
    public PlatformState requiredState() {
        return PlatformState.UNDEPLOYED;
    }

    /**
     * The options.
     *
     * @return the options
     */
    public BackupOptions options() {
        return options;
    }

    // -------------------------------------------------------------------------------------------------- check

    @Override
    public StepCheck check(MigrationContext ctx) {
        Assessment a = assess(ctx);
        if (a.problem != null) {
            return new StepCheck.Blocked(a.problem);
        }
        if (a.reusable != null) {
            ctx.put(BACKUP, a.reusable);
            return StepCheck.upToDate("verified backup at " + options.directory() + " from " + a.reusable.createdAt()
                    + " (" + a.reusable.files() + " files, " + bytes(a.reusable.bytes()) + "): reused");
        }
        return StepCheck.pending(a.changes);
    }

    /** What the step finds: a problem, a backup to reuse, or the changes a copy makes with what it copies. */
    private static final class Assessment {
        Problem problem;
        BackupRecord reusable;
        List<Change> changes = new ArrayList<>();
        List<TreeNode> nodes = List.of();
        List<String> units = List.of();
        boolean partialExists;
    }

    private Path fastReal() {
        try {
            return fastDataDir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot resolve " + fastDataDir + ": " + e.getMessage(), e);
        }
    }

    private Path stateDirectory() {
        return options.stateDirectory() != null ? options.stateDirectory()
                : fastDataDir.resolve(BackupUnits.OWN_PREFIX);
    }

    private Path partial() {
        return options.target().resolve("." + options.name() + ".partial");
    }

    private Assessment assess(MigrationContext ctx) {
        Assessment a = new Assessment();
        if (!Files.isDirectory(fastDataDir)) {
            a.problem = Problem.of(CoreErrorCode.PRECONDITION_FAILED, "FAST_DATA_DIR " + fastDataDir + " is not a folder",
                    "Kaapana's FAST_DATA_DIR", "check the configured path");
            return a;
        }
        Path fast = fastReal();
        Path target = options.target();
        if (!Files.isDirectory(target)) {
            a.problem = Problem.of(KaapanaErrorCode.BACKUP_TARGET_INVALID, "the backup target " + target
                            + (Files.exists(target) ? " is not a folder" : " does not exist"),
                    "an existing folder outside FAST_DATA_DIR", "create it on a disk with room for the backup (nothing "
                            + "is created for a path that may be mistyped), or configure another one");
            return a;
        }
        Path directory;
        try {
            directory = target.toRealPath().resolve(options.name());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot resolve " + target + ": " + e.getMessage(), e);
        }
        if (directory.startsWith(fast)) {
            a.problem = Problem.of(KaapanaErrorCode.BACKUP_TARGET_INVALID, "the backup " + directory + " would lie inside "
                            + "FAST_DATA_DIR " + fast, "a backup target outside FAST_DATA_DIR",
                    "configure a folder outside " + fast + " (a backup inside it would be part of what it backs up, and "
                            + "a restore could not put the folders back around it), for example on another disk");
            return a;
        }
        Predicate<String> excluded = BackupUnits.exclusion(fastDataDir, stateDirectory());
        if (Durable.exists(options.directory())) {
            assessExisting(ctx, a, fast, excluded);
            return a;
        }
        List<String> moved = BackupUnits.movedFolders(fastDataDir);
        if (!moved.isEmpty()) {
            a.problem = Problem.of(CoreErrorCode.PRECONDITION_FAILED, "no backup at " + options.directory() + " and the "
                            + "folders " + moved + " have been moved to their 0.5 names already",
                    "a backup taken before the folder moves",
                    "a backup now would not hold 0.4's folders: restore the 0.4 folders first, or run without the backup "
                            + "step if you have a backup of your own");
            return a;
        }
        try {
            a.units = options.scope() == BackupScope.WHOLE_TREE ? BackupUnits.wholeTreeUnits(fastDataDir, excluded)
                    : BackupUnits.databaseUnits();
            a.nodes = Trees.scan(fastDataDir, a.units, excluded);
        } catch (IOException e) {
            a.problem = Problem.of(KaapanaErrorCode.BACKUP_IO, "cannot read FAST_DATA_DIR " + fastDataDir + ": " + e,
                    "a readable tree", "run as root (the database folders belong to uid 70 with mode 0700)");
            return a;
        }
        for (TreeNode n : a.nodes) {
            if (!n.path().contains("/") && n.kind() == ManifestEntry.Kind.SYMLINK
                    && options.scope() == BackupScope.DATABASE_FOLDERS) {
                a.problem = Problem.of(KaapanaErrorCode.BACKUP_TARGET_INVALID, fastDataDir.resolve(n.path())
                                + " is a symbolic link to " + n.target(), "a folder",
                        "a backup would copy the link, not the data: replace the link by the folder it points to");
                return a;
            }
        }
        if (!Posixish.isRoot()) {
            int uid = Posixish.uid();
            int gid = Posixish.gid();
            Optional<TreeNode> foreign = a.nodes.stream().filter(n -> n.uid() != uid || n.gid() != gid).findFirst();
            if (foreign.isPresent()) {
                a.problem = Problem.of(CoreErrorCode.PRECONDITION_FAILED, fastDataDir.resolve(foreign.get().path())
                                + " belongs to " + foreign.get().uid() + ":" + foreign.get().gid() + " and this process runs"
                                + " as " + uid + ":" + gid, "a process that can keep every owner in the copy",
                        "run the migration as root");
                return a;
            }
        }
        long needed = 1L << 20;
        for (TreeNode n : a.nodes) {
            needed += n.allocatedBytes() + 256;
        }
        a.partialExists = Durable.exists(partial());
        long reclaimable = a.partialExists ? allocated(partial()) : 0;
        long usable;
        String store;
        try {
            java.nio.file.FileStore fs = Files.getFileStore(target);
            usable = fs.getUsableSpace();
            store = fs.type() + " " + fs.name();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the free space of " + target + ": " + e.getMessage(), e);
        }
        if (needed > usable + reclaimable) {
            long files = a.nodes.stream().filter(n -> n.kind() == ManifestEntry.Kind.FILE).count();
            a.problem = Problem.of(KaapanaErrorCode.BACKUP_SPACE, String.format(java.util.Locale.ROOT,
                            "%s (%,d bytes) usable in %s (%s)%s; the backup needs %s (%,d bytes: %,d files, %,d bytes of "
                                    + "content, in %d top-level folders)", bytes(usable), usable, target, store,
                            reclaimable > 0 ? " plus " + bytes(reclaimable) + " of a half-written copy" : "",
                            bytes(needed), needed, files, a.nodes.stream().mapToLong(TreeNode::size).sum(),
                            a.nodes.stream().filter(n -> !n.path().contains("/")).count()),
                    String.format(java.util.Locale.ROOT, "at least %s (%,d bytes) usable", bytes(needed), needed),
                    "free " + bytes(needed - usable - reclaimable) + " there, or configure a target on a larger disk");
            return a;
        }
        a.changes = changes(a);
        return a;
    }

    private void assessExisting(MigrationContext ctx, Assessment a, Path fast, Predicate<String> excluded) {
        Path directory = options.directory();
        ManifestFiles.Read read;
        try {
            read = ManifestFiles.read(directory);
        } catch (ManifestFiles.InvalidManifestException e) {
            a.problem = Problem.of(KaapanaErrorCode.BACKUP_MANIFEST_INVALID, "a backup folder " + directory + " exists but "
                    + e.getMessage(), "a complete backup with an intact manifest", "move " + directory
                    + " and its manifest files aside; the next run takes a new backup");
            return;
        }
        Manifest m = read.manifest();
        if (!m.source().equals(fast.toString())) {
            a.problem = Problem.of(KaapanaErrorCode.BACKUP_STALE, "the backup " + directory + " was taken of " + m.source(),
                    "a backup of " + fast, "move it aside or configure another target; the next run takes a new backup");
            return;
        }
        TreeVerify.Outcome copy;
        try {
            copy = TreeVerify.verify(m.entries(), directory, m.units(), options.threads(), false, true, null);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the backup " + directory + ": " + e.getMessage(), e);
        }
        if (!copy.passed()) {
            a.problem = Problem.of(KaapanaErrorCode.BACKUP_CORRUPT, "the backup " + directory + " differs from its "
                    + "manifest: " + copy.describe(10), "the copy its manifest describes",
                    "move it aside (do not restore from it); the next run takes a new backup");
            return;
        }
        BackupRecord journaled = ctx.get(BACKUP).orElse(null);
        if (journaled == null || !journaled.manifestSha256().equals(read.sha256())) {
            // Not this run's own backup: reuse it only if the installation is still what it holds.
            List<String> moved = BackupUnits.movedFolders(fastDataDir);
            List<String> present = new ArrayList<>();
            for (String unit : m.units()) {
                if (Durable.exists(fastDataDir.resolve(unit)) && !excluded.test(unit)) {
                    present.add(unit);
                }
            }
            List<ManifestEntry> compared = m.entries().stream().filter(e -> present.contains(top(e.path()))
                    && moved.stream().noneMatch(mv -> e.path().equals(mv) || e.path().startsWith(mv + "/"))).toList();
            TreeVerify.Outcome now;
            try {
                now = TreeVerify.verify(compared, fastDataDir, present, options.threads(), false, false, null);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + fastDataDir + ": " + e.getMessage(), e);
            }
            List<String> notInBackup = present.stream().filter(u -> !m.holds(u)).toList();
            if (!now.passed() || !notInBackup.isEmpty()) {
                a.problem = Problem.of(KaapanaErrorCode.BACKUP_STALE, "a backup from " + m.createdAt() + " is at "
                                + directory + " but FAST_DATA_DIR changed since: " + (notInBackup.isEmpty() ? ""
                                : notInBackup + " not in it; ") + (now.passed() ? "" : now.describe(10)),
                        "a backup of the installation as it is now",
                        "move " + directory + " and its manifest files aside; the next run takes a new backup");
                return;
            }
        }
        a.reusable = new BackupRecord(directory.toString(), ManifestFiles.manifestOf(directory).toString(), read.sha256(),
                m.source(), BackupScope.valueOf(m.scope()), m.units(), m.files(), m.bytes(), m.createdAt(),
                journaled != null && journaled.manifestSha256().equals(read.sha256()) ? journaled.verifiedAt()
                        : m.createdAt());
    }

    private static String top(String path) {
        int slash = path.indexOf('/');
        return slash < 0 ? path : path.substring(0, slash);
    }

    private List<Change> changes(Assessment a) {
        List<Change> out = new ArrayList<>();
        if (a.partialExists) {
            out.add(Change.of(Change.Kind.DELETE, partial().toString(), "a half-written copy of an interrupted run", null,
                    1));
        }
        Map<String, long[]> perUnit = new HashMap<>();
        Map<String, Integer> skipped = new HashMap<>();
        for (TreeNode n : a.nodes) {
            long[] c = perUnit.computeIfAbsent(top(n.path()), k -> new long[2]);
            if (n.kind() == ManifestEntry.Kind.FILE) {
                c[0]++;
                c[1] += n.size();
            }
            if (n.kind() == ManifestEntry.Kind.SKIPPED) {
                skipped.merge(top(n.path()), 1, Integer::sum);
            }
        }
        for (String unit : a.units) {
            long[] c = perUnit.get(unit);
            if (c == null) {
                continue;
            }
            out.add(Change.of(Change.Kind.CREATE, options.directory().resolve(unit).toString(),
                    fastDataDir.resolve(unit).toString(), "copy: " + c[0] + " files, " + bytes(c[1])
                            + (skipped.containsKey(unit) ? ", " + skipped.get(unit) + " special files listed, not copied"
                            : ""), Math.max(1, c[0])));
        }
        out.add(Change.of(Change.Kind.CREATE, ManifestFiles.manifestOf(options.directory()).toString(), null,
                "manifest of " + a.nodes.size() + " entries with SHA-256 digests, verified against the copy", 1));
        return out;
    }

    // -------------------------------------------------------------------------------------------------- apply

    @Override
    public List<Change> apply(MigrationContext ctx) {
        Assessment a = assess(ctx);
        if (a.problem != null) {
            throw new PreconditionFailedException(a.problem);
        }
        if (a.reusable != null) {
            ctx.put(BACKUP, a.reusable);
            return List.of();
        }
        Path partial = partial();
        Path directory = options.directory();
        try {
            if (a.partialExists) {
                LOG.info("Removing the half-written backup {} of an interrupted run", partial);
                Trees.delete(partial);
                CrashPoints.reach(ID + ":removed-half-written-copy");
            }
            for (Path leftover : List.of(ManifestFiles.manifestOf(directory), ManifestFiles.manifestDigestOf(directory),
                    ManifestFiles.sumsOf(directory))) {
                Files.deleteIfExists(leftover); // written by a run that crashed before the rename
            }
            Files.createDirectory(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new MigrationException(Problem.of(KaapanaErrorCode.BACKUP_IO, "cannot prepare " + partial + ": " + e,
                    "a writable target", "check the target's permissions and space"), e);
        }
        long start = System.nanoTime();
        TreeCopy.Outcome copied;
        try {
            copied = TreeCopy.copy(a.nodes.stream().map(TreeCopy.Item::of).toList(), partial, options.threads(), true,
                    withCrashPoints("copy", reporter(ctx, "bytes copied")));
            Durable.syncFileSystem(partial);
            CrashPoints.reach(ID + ":copied");
        } catch (IOException | RuntimeException e) {
            Trees.deleteQuietly(partial);
            throw new MigrationException(Problem.of(KaapanaErrorCode.BACKUP_IO, "copying to " + partial + " failed: " + e,
                    "a complete copy", "fix the cause (space, permissions, the disk); the half-written copy was removed "
                            + "and the next run copies again"), e);
        }
        long copiedAt = System.nanoTime();
        List<ManifestEntry> entries = new ArrayList<>(a.nodes.size());
        for (TreeNode n : a.nodes) {
            if (copied.linksCopied().contains(n.path())) {
                entries.add(new ManifestEntry(n.path(), ManifestEntry.Kind.FILE, sizeOf(n), copied.digests().get(n.path()),
                        n.mode(), n.uid(), n.gid(), n.mtime(), null, false));
            } else {
                entries.add(n.toEntry(copied.digests().get(n.path())));
            }
        }
        Manifest manifest = new Manifest(Manifest.FORMAT, ctx.clock().instant(), fastReal().toString(),
                options.scope().name(), a.units, entries);
        String sha;
        TreeVerify.Outcome check;
        try {
            sha = ManifestFiles.write(directory, manifest);
            CrashPoints.reach(ID + ":manifest-written");
            check = TreeVerify.verify(entries, partial, a.units, options.threads(), true, true,
                    withCrashPoints("verification", reporter(ctx, "bytes verified")));
        } catch (IOException | RuntimeException e) {
            Trees.deleteQuietly(partial);
            throw new MigrationException(Problem.of(KaapanaErrorCode.BACKUP_IO, "writing or verifying the manifest of "
                    + directory + " failed: " + e, "a verified backup", "fix the cause; the next run copies again"), e);
        }
        if (!check.passed()) {
            Trees.deleteQuietly(partial);
            throw new MigrationException(Problem.of(KaapanaErrorCode.BACKUP_CORRUPT, "the copy read back differs from what "
                    + "was read from FAST_DATA_DIR: " + check.describe(10), "a copy byte-identical to the source",
                    "check the target disk (a failing disk or memory gives this); the copy was removed"), null);
        }
        CrashPoints.reach(ID + ":copy-verified");
        try {
            Files.move(partial, directory, StandardCopyOption.ATOMIC_MOVE);
            CrashPoints.reach(ID + ":renamed");
            Durable.syncDirectory(directory.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new MigrationException(Problem.of(KaapanaErrorCode.BACKUP_IO, "cannot rename " + partial + " to "
                    + directory + ": " + e, "the verified copy under its final name", "check the target"), e);
        }
        long end = System.nanoTime();
        LOG.info("Backup {}: {} files, {} copied in {} s, verified in {} s", directory, manifest.files(),
                bytes(manifest.bytes()), String.format(java.util.Locale.ROOT, "%.1f", (copiedAt - start) / 1e9),
                String.format(java.util.Locale.ROOT, "%.1f", (end - copiedAt) / 1e9));
        BackupRecord record = new BackupRecord(directory.toString(), ManifestFiles.manifestOf(directory).toString(), sha,
                manifest.source(), options.scope(), a.units, manifest.files(), manifest.bytes(), manifest.createdAt(),
                ctx.clock().instant());
        ctx.put(BACKUP, record);
        List<Change> changes = new ArrayList<>(changes(a));
        if (!copied.linksCopied().isEmpty()) {
            changes.add(Change.of(Change.Kind.CREATE, directory.toString(), "hard links",
                    "copied as separate files (the target could not link them): " + copied.linksCopied(),
                    copied.linksCopied().size()));
        }
        return changes;
    }

    private static long sizeOf(TreeNode n) {
        try {
            return Files.size(n.absolute());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Crash points of the copy or its verification at three places whatever the tree: after the first file, after half
     * of the files and after the last one (per file would give thousands).
     */
    private static TreeCopy.Progress withCrashPoints(String phase, TreeCopy.Progress progress) {
        if (!CrashPoints.active()) {
            return progress;
        }
        return (filesDone, filesTotal, bytesDone, bytesTotal, item) -> {
            progress.update(filesDone, filesTotal, bytesDone, bytesTotal, item);
            if (filesDone == 1) {
                CrashPoints.reach(ID + ":" + phase, "first-file");
            }
            if (filesDone == filesTotal / 2 && filesDone > 1) {
                CrashPoints.reach(ID + ":" + phase, "half-of-the-files");
            }
            if (filesDone == filesTotal && filesDone > 1) {
                CrashPoints.reach(ID + ":" + phase, "last-file");
            }
        };
    }

    private static TreeCopy.Progress reporter(MigrationContext ctx, String unit) {
        long[] next = {0, 0};
        return (filesDone, filesTotal, bytesDone, bytesTotal, item) -> {
            if (filesDone == 1 || filesDone == filesTotal || bytesDone >= next[0] || filesDone >= next[1]) {
                next[0] = bytesDone + REPORT_BYTES;
                next[1] = filesDone + REPORT_FILES;
                ctx.progress(bytesDone, bytesTotal, unit, item);
            }
        };
    }

    private static long allocated(Path dir) {
        return Trees.blocks(dir, List.of(dir)).values().stream().mapToLong(b -> b * 512).sum();
    }

    // -------------------------------------------------------------------------------------------------- verify

    @Override
    public Verification verify(MigrationContext ctx) {
        Verification.Builder v = Verification.builder();
        Path directory = options.directory();
        v.expect("backup folder " + directory + " exists", true, Files.isDirectory(directory));
        ManifestFiles.Read read;
        try {
            read = ManifestFiles.read(directory);
            v.fact("manifest matches its SHA-256 (" + ManifestFiles.manifestDigestOf(directory).getFileName() + ")",
                    "intact", "intact", true);
        } catch (ManifestFiles.InvalidManifestException e) {
            v.fact("manifest matches its SHA-256", "intact", e.getMessage(), false);
            return v.build();
        }
        Manifest m = read.manifest();
        Predicate<String> excluded = BackupUnits.exclusion(fastDataDir, stateDirectory());
        List<String> own = m.entries().stream().map(ManifestEntry::path).filter(excluded).limit(5).toList();
        v.expect("the migration's state directory is not in the backup", List.of(), own);
        try {
            Optional<BackupRecord> record = ctx.get(BACKUP).filter(r -> r.manifestSha256().equals(read.sha256()));
            TreeVerify.Outcome now = TreeVerify.verify(m.entries(), directory, m.units(), options.threads(),
                    record.isEmpty(), true, null);
            v.fact("the copy matches the manifest (" + m.entries().size() + " entries: kinds, sizes, owners, modes, "
                            + "times, links, holes" + (record.isEmpty() ? ", content digests" : "") + ")",
                    "no difference", now.passed() ? "no difference" : now.count() + " differences: " + now.describe(5),
                    now.passed());
            if (record.isPresent()) {
                v.againstBaseline("content proven byte-identical to the manifest after writing (" + m.files()
                        + " files, " + bytes(m.bytes()) + ", at " + record.get().verifiedAt() + "): manifest SHA-256",
                        record.get().manifestSha256(), read.sha256());
            }
        } catch (IOException e) {
            v.fact("the copy matches the manifest", "readable", e.toString(), false);
        }
        return v.build();
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
