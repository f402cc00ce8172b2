package dev.kaapanamigrate.kaapana;

import dev.kaapanamigrate.core.Directories;
import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.kaapana.internal.FolderListing;
import dev.kaapanamigrate.kaapana.internal.PacsFolders;
import dev.kaapanamigrate.postgres.PreflightStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code kaapana.pacs-inventory} (undeployed, before anything changes): the DICOM data stays where it is during the
 * upgrade (reference §2: the PACS's database {@code FAST/postgres-dcm4che}, its LDAP {@code FAST/ldap} and
 * {@code FAST/slapd.d}, the DICOM files {@code SLOW/dcm4che/dicom_data} and {@code SLOW/dcm4che/server_data}); this step
 * takes the inventory that proves it — every file's relative path, size and modification time (and, with
 * {@code digests}, its SHA-256) — streaming into a listing file in its file area ({@link PacsInventory#KEY}). The
 * PACS database folder is checked like the folders that move: PostgreSQL 17 ({@code PG_VERSION}) and no live server
 * ({@link PreflightStep#checkDataFolder}). {@link PacsVerifyStep} compares the folders with it at the end of the
 * undeployed state.
 *
 * <pre>{@code
 * builder.step(new PacsInventoryStep(fast, slow, false), DetectVersionStep.ID)
 *        .step(new PacsVerifyStep(fast, slow), WriteVersionStep.ID ... );      // see PacsVerifyStep
 * }</pre>
 */
public final class PacsInventoryStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "kaapana.pacs-inventory";
    /** The PACS database folder below FAST_DATA_DIR. */
    public static final String DATABASE_FOLDER = "postgres-dcm4che";

    private final Path fast;
    private final Path slow;
    private final boolean digests;

    /**
     * Creates the step.
     *
     * @param fastDataDir FAST_DATA_DIR
     * @param slowDataDir SLOW_DATA_DIR
     * @param digests     whether to read every file for its SHA-256 (proves content, also of a file that kept its size
     *                    and time; reads all DICOM data twice)
     */
    public PacsInventoryStep(Path fastDataDir, Path slowDataDir, boolean digests) {
        this.fast = Objects.requireNonNull(fastDataDir, "fastDataDir");
        this.slow = Objects.requireNonNull(slowDataDir, "slowDataDir");
        this.digests = digests;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Inventory the PACS folders that stay in place (" + String.join(", ", PacsFolders.folders(fast, slow)
                .keySet()) + ")" + (digests ? " with content digests" : "");
    }

    @Override
    public PlatformState requiredState() {
        return PlatformState.UNDEPLOYED;
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        Optional<PacsInventory> taken = ctx.get(PacsInventory.KEY);
        if (taken.isPresent() && Files.isRegularFile(Path.of(taken.get().listing()))) {
            return StepCheck.upToDate("taken at " + taken.get().takenAt() + ": " + taken.get().files() + " files, "
                    + taken.get().bytes() + " bytes");
        }
        if (ctx.platformState() == PlatformState.UNDEPLOYED) {
            List<Problem> db = PreflightStep.checkDataFolder(fast.resolve(DATABASE_FOLDER));
            if (!db.isEmpty() && Files.exists(fast.resolve(DATABASE_FOLDER))) {
                return new StepCheck.Blocked(db.get(0));
            }
        }
        List<Change> changes = new ArrayList<>();
        PacsFolders.folders(fast, slow).forEach((name, dir) -> changes.add(Change.of(Change.Kind.CREATE,
                "inventory of " + name + (Files.isDirectory(dir) ? "" : " (missing: recorded as absent)"))));
        return StepCheck.pending(changes);
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        Path listing = ctx.fileArea().resolve("pacs-folders.listing");
        try {
            Files.createDirectories(ctx.fileArea());
            List<PacsInventory.Folder> folders = PacsFolders.walk(fast, slow, listing, digests);
            PacsInventory inventory = new PacsInventory(ctx.clock().instant(), ctx.runId().toString(),
                    listing.toAbsolutePath().toString(), digests, folders);
            ctx.put(PacsInventory.KEY, inventory);
            List<Change> out = new ArrayList<>();
            for (PacsInventory.Folder f : folders) {
                out.add(Change.of(Change.Kind.CREATE, "inventory of " + f.name(), null, f.present() ? f.files()
                        + " files, " + f.bytes() + " bytes" : "absent", 1));
            }
            return out;
        } catch (IOException e) {
            throw failure("taking the inventory into " + listing + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        return compare(ctx, fast, slow, ID, false);
    }

    /**
     * Compares the folders with the inventory.
     *
     * @param ctx      the context (platform state, the inventory)
     * @param fast     FAST_DATA_DIR
     * @param slow     SLOW_DATA_DIR
     * @param stepId   the step whose facts these are, for messages
     * @param checkDb  whether to check the database folder (PostgreSQL 17, no live server) while undeployed
     * @return the facts
     */
    static Verification compare(MigrationContext ctx, Path fast, Path slow, String stepId, boolean checkDb) {
        Verification.Builder v = Verification.builder();
        Optional<PacsInventory> taken = ctx.get(PacsInventory.KEY);
        if (taken.isEmpty()) {
            return v.notProven("the PACS folders kept unchanged", "no inventory recorded (" + ID + " did not run in "
                    + "this plan, or its journal is gone)").build();
        }
        PacsInventory before = taken.get();
        Path listing = Path.of(before.listing());
        if (!Files.isRegularFile(listing)) {
            return v.notProven("the PACS folders kept unchanged", "the inventory's listing " + listing + " is gone")
                    .build();
        }
        boolean running = ctx.platformState() != PlatformState.UNDEPLOYED;
        Path temp = null;
        try {
            temp = Files.createTempDirectory("kaapana-pacs-verify-");
            Path now = temp.resolve("now.listing");
            List<PacsInventory.Folder> folders = PacsFolders.walk(fast, slow, now, before.digests());
            for (PacsInventory.Folder b : before.folders()) {
                Optional<PacsInventory.Folder> a = folders.stream().filter(f -> f.name().equals(b.name())).findFirst();
                boolean present = a.isPresent() && a.get().present();
                v.againstBaseline("PACS folder " + b.name() + " present as before", b.present(), present);
            }
            // While 0.5 runs its PACS writes its database and LDAP folders and may store new DICOM files: then only the
            // DICOM files are compared, and additions are allowed.
            FolderListing.Differences d = FolderListing.compare(listing, now, 20,
                    path -> !running || !PacsFolders.isDatabase(path), true);
            boolean kept = d.removed().count() == 0 && d.changed().count() == 0 && (running || d.added().count() == 0);
            String scope = running ? "the DICOM files (the running PACS writes its database and LDAP folders)"
                    : "every file of the five folders";
            v.add(new Verification.Fact("PACS folders unchanged since the inventory of " + before.takenAt() + ": " + scope,
                    running ? "no file removed or changed (additions allowed)" : "no file removed, changed or added",
                    kept && d.added().count() == 0 ? "unchanged" : describe(d), kept, Verification.Basis.BASELINE));
            if (checkDb && !running) {
                List<Problem> db = PreflightStep.checkDataFolder(fast.resolve(DATABASE_FOLDER));
                boolean wasThere = before.folders().stream().anyMatch(f -> f.name().endsWith("/" + DATABASE_FOLDER)
                        && f.present());
                v.fact("PACS database folder " + fast.resolve(DATABASE_FOLDER), "PostgreSQL 17, no live server",
                        db.isEmpty() ? "PostgreSQL 17, no live server" : db.get(0).found(), db.isEmpty() || !wasThere);
            }
            return v.build();
        } catch (IOException e) {
            throw failure("comparing the PACS folders with the inventory " + listing + " failed: " + e.getMessage(), e);
        } finally {
            Directories.deleteTreeQuietly(temp);
        }
    }

    private static String describe(FolderListing.Differences d) {
        List<String> parts = new ArrayList<>();
        add(parts, "removed", d.removed());
        add(parts, "changed", d.changed());
        add(parts, "added", d.added());
        return String.join("; ", parts);
    }

    private static void add(List<String> parts, String what, dev.kaapanamigrate.kaapana.internal.Sample s) {
        if (s.count() > 0) {
            parts.add(s.count() + " " + what + ": " + String.join(", ", s.first())
                    + (s.count() > s.first().size() ? ", and " + (s.count() - s.first().size()) + " more" : ""));
        }
    }

    static MigrationException failure(String found, Exception cause) {
        return new MigrationException(Problem.of(KaapanaErrorCode.PACS_FOLDER, found,
                "readable PACS folders and a writable state directory", "make the folders readable for the migration's "
                        + "user (run as root) and free space in the state directory, then run again"), cause);
    }

    @Override
    public String toString() {
        return ID;
    }
}
