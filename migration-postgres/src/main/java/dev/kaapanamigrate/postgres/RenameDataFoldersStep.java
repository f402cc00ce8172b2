package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.DataFolderMove;
import dev.kaapanamigrate.core.CrashPoints;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.ContextKey;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.PreconditionFailedException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepFailedException;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.postgres.internal.Finding;
import dev.kaapanamigrate.postgres.internal.FolderFacts;
import dev.kaapanamigrate.postgres.internal.LiveServers;
import dev.kaapanamigrate.postgres.internal.MoveInspection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves Kaapana's five PostgreSQL data folders from their 0.4 to their 0.5 names inside FAST_DATA_DIR
 * ({@link DataFolderMove}), then removes the then-empty 0.4 folder {@code keycloak}.
 *
 * <ul>
 *   <li>Each move is one {@code rename(2)} on the same file system: instant, never a copy; owner, modes,
 *   contents and inode are kept. FAST_DATA_DIR is synced to disk afterwards.</li>
 *   <li>It converges from every partial state (none, some or all moved, {@code keycloak} left behind), also
 *   after a crash or an interrupted upstream migration script.</li>
 *   <li>It refuses, without changing anything, when any one of the five moves is unsafe: source and target
 *   both present with data, a non-empty unrelated target, a source without {@code PG_VERSION}, a folder that
 *   is a mount point (also a bind mount on the same file system, found in {@code /proc/self/mountinfo}), lies
 *   in a mounted folder or holds mount points, a folder on another file system, a symbolic link, a folder
 *   missing under both names, FAST_DATA_DIR or {@code keycloak} not writable, a folder this process cannot
 *   read (said as such, never taken for a missing or foreign one: run as root or as the folders' owner), or a
 *   live process using a folder (found through {@code /proc/<pid>/cwd} and {@code /proc/<pid>/fd}; the pid in
 *   {@code postmaster.pid} belongs to the container and is ignored, a stale file is only logged).</li>
 *   <li>An empty target directory (as a 0.5 deployment creates for a host path) is removed and replaced;
 *   the check lists it as a {@link Change.Kind#DELETE} before the move.</li>
 *   <li>The {@code keycloak} folder is removed only when empty; if it holds other content it is kept, and
 *   check (a note of the pending check, so the dry-run's preview shows it), apply and verify say so.</li>
 *   <li>Check records each source folder's device, inode, owner, mode, file count and size in
 *   {@link #FOLDERS_BEFORE}; verify proves that each target is that very folder.</li>
 * </ul>
 *
 * <pre>{@code
 * MigrationPlan plan = MigrationPlan.builder()
 *         .step(new RenameDataFoldersStep(fastDataDir))
 *         .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
 *         .stateDirectory(fastDataDir.resolve(".kaapana-migrate"))
 *         .build();
 * }</pre>
 */
public final class RenameDataFoldersStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "postgres.rename-data-folders";

    /** The data folders as they were before they moved, recorded by check (journaled). */
    public static final ContextKey<DataFolderRecords> FOLDERS_BEFORE =
            ContextKey.of("postgres.data-folders-before-move", DataFolderRecords.class);

    private static final Logger LOG = LoggerFactory.getLogger(RenameDataFoldersStep.class);

    private final Path fastDataDir;

    /**
     * The folders this instance's apply moved, and in which run: only those are compared file by file with their
     * records, in that run's verify. A folder moved by an earlier process (a run killed between two moves and resumed,
     * even one with the same run id) may have had a server on it since; its device and inode still prove the rename.
     */
    private volatile MovedHere movedHere;

    private record MovedHere(UUID runId, Set<DataFolderMove> moves) {
    }

    /**
     * Creates the step.
     *
     * @param fastDataDir Kaapana's FAST_DATA_DIR, the folder that holds the 0.4 data folders
     */
    public RenameDataFoldersStep(Path fastDataDir) {
        this.fastDataDir = Objects.requireNonNull(fastDataDir, "fastDataDir");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Rename the five PostgreSQL data folders in " + fastDataDir + " to their Kaapana 0.5 names";
    }

    @Override
    public PlatformState requiredState() {
        return PlatformState.UNDEPLOYED;
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        MoveInspection found = MoveInspection.inspect(fastDataDir, LiveServers.scan(ctx));
        if (found.problem().isPresent() && ctx.platformState() == PlatformState.SOURCE_RUNNING) {
            // a dry-run while 0.4 runs: its servers are expected, and gone when the run gets here
            MoveInspection withoutServers = MoveInspection.inspect(fastDataDir, LiveServers.none());
            if (withoutServers.problem().isEmpty()) {
                found = withoutServers;
            }
        }
        if (found.problem().isPresent()) {
            LOG.warn("Cannot rename the data folders: {}", found.problem().get().message());
            return new StepCheck.Blocked(found.problem().get());
        }
        found.notes().forEach(n -> LOG.warn("{}", n));
        try {
            record(ctx, found);
        } catch (FolderFacts.AccessDenied e) {
            // a subfolder the inspection did not need to read (base/, pg_wal/) is still unreadable
            Problem p = Finding.problem(List.of(FolderFacts.cannotRead(e)), "nothing was moved");
            LOG.warn("Cannot rename the data folders: {}", p.message());
            return new StepCheck.Blocked(p);
        }
        List<Change> changes = planned(found);
        if (changes.isEmpty()) {
            String detail = "all five PostgreSQL data folders are at their 0.5 names in " + found.fast();
            if (found.keycloak() == MoveInspection.KeycloakParent.KEEP) {
                detail += "; " + keptKeycloak(found);
            }
            return StepCheck.upToDate(detail);
        }
        if (found.keycloak() == MoveInspection.KeycloakParent.KEEP) {
            // in the preview, not only in the log: the operator sees it before the run
            return StepCheck.pending(changes, List.of(keptKeycloak(found)));
        }
        return StepCheck.pending(changes);
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        MoveInspection found = MoveInspection.inspect(fastDataDir, LiveServers.scan(ctx));
        if (found.problem().isPresent()) {
            throw new PreconditionFailedException(found.problem().get());
        }
        try {
            record(ctx, found);
        } catch (FolderFacts.AccessDenied e) {
            throw new PreconditionFailedException(Finding.problem(List.of(FolderFacts.cannotRead(e)), "nothing was moved"));
        }
        Path fast = found.fast();
        List<MoveInspection.State> todo = found.states().stream()
                .filter(s -> s.action() != MoveInspection.Action.DONE).toList();
        movedHere = new MovedHere(ctx.runId(), Collections.synchronizedSet(EnumSet.noneOf(DataFolderMove.class)));
        List<Change> made = new ArrayList<>();
        int done = 0;
        boolean keycloakMoved = false;
        for (MoveInspection.State s : todo) {
            try {
                if (s.action() == MoveInspection.Action.REPLACE_EMPTY_TARGET) {
                    // rmdir: fails if anything appeared in it since the check
                    Files.delete(s.target());
                    made.add(Change.of(Change.Kind.DELETE, s.target().toString(), "empty directory", null, 1));
                    LOG.info("Removed the empty directory {} to put {} there", s.target(), s.source().getFileName());
                }
                // rename(2) silently replaces an empty target directory: make sure there is none, right before it
                if (FolderFacts.present(s.target())) {
                    throw new StepFailedException(Problem.of(
                            dev.kaapanamigrate.core.CoreErrorCode.PRECONDITION_FAILED,
                            s.target() + " appeared while the folders were being moved; " + s.source() + " was not moved",
                            "nothing at " + s.target(), "find out what created it (is the platform undeployed?), then run again"));
                }
                Files.move(s.source(), s.target(), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("Renaming " + s.source() + " to " + s.target() + " failed: " + e.getMessage()
                        + "; the folders already moved stay moved, run again to continue", e);
            }
            keycloakMoved |= s.move() == DataFolderMove.KEYCLOAK;
            movedHere.moves().add(s.move());
            made.add(move(fast, s.move()));
            LOG.info("Renamed {} to {}", s.source(), s.target());
            CrashPoints.reach(ID + ":moved", s.move().to());
            ctx.progress(++done, todo.size(), "folders");
        }
        if (keycloakMoved) {
            FolderFacts.fsyncDirectory(fast.resolve(DataFolderMove.KEYCLOAK_PARENT));
        }
        if (!todo.isEmpty()) {
            FolderFacts.fsyncDirectory(fast);
        }
        Path kc = fast.resolve(DataFolderMove.KEYCLOAK_PARENT);
        if (FolderFacts.isDirectory(kc)) {
            try {
                Files.delete(kc);
                FolderFacts.fsyncDirectory(fast);
                made.add(Change.of(Change.Kind.DELETE, kc.toString(), "empty directory", null, 1));
                LOG.info("Removed the empty 0.4 folder {}", kc);
                CrashPoints.reach(ID + ":removed-empty-keycloak-folder");
            } catch (DirectoryNotEmptyException e) {
                LOG.warn("Kept {}: it holds other content than keycloak's data folder ({})", kc,
                        String.join(", ", FolderFacts.names(kc, 20)));
            } catch (IOException e) {
                throw new UncheckedIOException("Removing the empty folder " + kc + " failed: " + e.getMessage(), e);
            }
        }
        return made;
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        Path fast;
        try {
            fast = fastDataDir.toRealPath();
        } catch (IOException e) {
            return Verification.builder().fact("FAST_DATA_DIR readable", fastDataDir.toString(), e.toString(), false).build();
        }
        DataFolderRecords before = ctx.get(FOLDERS_BEFORE).orElse(new DataFolderRecords(List.of()));
        Verification.Builder v = Verification.builder();
        for (DataFolderMove m : DataFolderMove.values()) {
            Path s = fast.resolve(m.from());
            Path t = fast.resolve(m.to());
            v.expect(m.from() + " gone", false, FolderFacts.present(s));
            boolean ok = FolderFacts.isDirectory(t) && FolderFacts.isRegularFile(t.resolve("PG_VERSION"));
            v.expect(m.to() + " is a PostgreSQL data folder", true, ok);
            var rec = before.of(m);
            if (rec.isEmpty()) {
                v.fact(m.to() + " recorded before the move", "a record in " + FOLDERS_BEFORE.name(), "none", false);
                continue;
            }
            if (!ok) {
                continue;
            }
            DataFolderRecord r = rec.get();
            FolderFacts.Stat st = FolderFacts.stat(t);
            FolderFacts.Tree tree;
            try {
                tree = FolderFacts.tree(t);
            } catch (FolderFacts.AccessDenied e) {
                Finding denied = FolderFacts.cannotRead(e);
                v.fact(m.to() + " files/bytes", r.files() + " files, " + r.bytes() + " bytes", denied.found() + ": "
                        + denied.fix(), false);
                continue;
            }
            v.againstBaseline(m.to() + " device:inode (same folder, renamed not copied)", r.device() + ":" + r.inode(),
                    st.device() + ":" + st.inode());
            v.againstBaseline(m.to() + " owner", r.uid() + ":" + r.gid(), st.uid() + ":" + st.gid());
            v.againstBaseline(m.to() + " mode", r.mode(), st.octalMode());
            MovedHere here = movedHere;
            if (here != null && here.runId().equals(ctx.runId()) && here.moves().contains(m)) {
                // Only for the folders this run moved here: the database migrations change the folders' files
                // afterwards, and a folder an earlier process moved may have had a server on it since.
                v.againstBaseline(m.to() + " files/bytes", r.files() + " files, " + r.bytes() + " bytes",
                        tree.files() + " files, " + tree.bytes() + " bytes");
            }
        }
        Path kc = fast.resolve(DataFolderMove.KEYCLOAK_PARENT);
        if (!FolderFacts.present(kc)) {
            v.expect(DataFolderMove.KEYCLOAK_PARENT + " removed", "absent", "absent");
        } else {
            boolean kept = FolderFacts.isDirectory(kc) && !FolderFacts.isEmpty(kc);
            v.fact(DataFolderMove.KEYCLOAK_PARENT + " removed, or kept because it holds other content",
                    "absent, or a folder with other content",
                    kept ? "kept, holds " + String.join(", ", FolderFacts.names(kc, 20)) : "still there and empty", kept);
        }
        return v.build();
    }

    private void record(MigrationContext ctx, MoveInspection found) {
        DataFolderRecords old = ctx.get(FOLDERS_BEFORE).orElse(new DataFolderRecords(List.of()));
        Map<String, DataFolderRecord> records = new LinkedHashMap<>();
        boolean changed = false;
        for (MoveInspection.State s : found.states()) {
            var earlier = old.of(s.move());
            DataFolderRecord r;
            if (s.action() != MoveInspection.Action.DONE) {
                // not moved yet: the folder as it is now is the truth
                r = recordOf(s.move(), found.fast(), s.source(), false);
            } else {
                r = earlier.orElseGet(() -> recordOf(s.move(), found.fast(), s.target(), true));
            }
            changed |= earlier.map(e -> !e.equals(r)).orElse(true);
            records.put(s.move().name(), r);
        }
        if (changed) {
            List<DataFolderRecord> list = new ArrayList<>();
            for (DataFolderMove m : DataFolderMove.values()) {
                DataFolderRecord r = records.get(m.name());
                if (r == null) {
                    r = old.of(m).orElse(null);
                }
                if (r != null) {
                    list.add(r);
                }
            }
            ctx.put(FOLDERS_BEFORE, new DataFolderRecords(list, ctx.runId()));
        }
    }

    private static DataFolderRecord recordOf(DataFolderMove m, Path fast, Path folder, boolean alreadyMoved) {
        FolderFacts.Stat st = FolderFacts.stat(folder);
        FolderFacts.Tree tree = FolderFacts.tree(folder);
        return new DataFolderRecord(m.name(), fast.relativize(folder).toString(), st.device(), st.inode(), st.uid(), st.gid(),
                st.octalMode(), tree.files(), tree.bytes(), alreadyMoved);
    }

    private static List<Change> planned(MoveInspection found) {
        List<Change> changes = new ArrayList<>();
        for (MoveInspection.State s : found.states()) {
            if (s.action() == MoveInspection.Action.REPLACE_EMPTY_TARGET) {
                changes.add(Change.of(Change.Kind.DELETE, s.target().toString(), "empty directory", null, 1));
            }
            if (s.action() != MoveInspection.Action.DONE) {
                changes.add(move(found.fast(), s.move()));
            }
        }
        if (found.keycloak() == MoveInspection.KeycloakParent.REMOVE) {
            changes.add(Change.of(Change.Kind.DELETE, found.fast().resolve(DataFolderMove.KEYCLOAK_PARENT).toString(),
                    "empty directory", null, 1));
        }
        return changes;
    }

    private static Change move(Path fast, DataFolderMove m) {
        return Change.of(Change.Kind.MOVE, fast.toString(), m.from(), m.to(), 1);
    }

    private static String keptKeycloak(MoveInspection found) {
        return "the 0.4 folder " + found.fast().resolve(DataFolderMove.KEYCLOAK_PARENT) + " is kept (not removed after "
                + "db-files moves out): it holds other content (" + String.join(", ", found.keycloakOther()) + ")";
    }
}
