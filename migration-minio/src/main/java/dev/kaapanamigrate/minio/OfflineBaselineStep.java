package dev.kaapanamigrate.minio;

import dev.kaapanamigrate.core.RecordFile;
import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.domain.KaapanaNames;
import dev.kaapanamigrate.minio.internal.Facts;
import dev.kaapanamigrate.minio.internal.Inventories;
import dev.kaapanamigrate.minio.internal.ListingFile;
import dev.kaapanamigrate.minio.internal.ListingMerge;
import dev.kaapanamigrate.minio.internal.OfflineWalk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code minio.offline-baseline}, while the platform is undeployed: walks MinIO's data folder (SLOW_DATA_DIR/minio,
 * single-drive layout) and records ({@link MinioKeys#OFFLINE_BASELINE}) per bucket the object keys the layout shows and
 * every file outside {@code .minio.sys} with its size and modification time. It stands in for {@link BaselineStep} when
 * a run starts undeployed (the written guide's order), and after 0.5 is up {@link VerifyObjectsStep} compares the keys
 * with the online listing.
 *
 * <p>Its verify walks the folder again: while undeployed every file must be as recorded (nothing touched it); once 0.5
 * runs, every recorded file must still be as recorded, new files allowed (0.5 adds objects). What it cannot prove:
 * object sizes and ETags (inside {@code xl.meta}, MinIO's binary format, not read), versions, intact data parts unless
 * {@link MinioOptions#offlineContentDigest()} is on, and policies, users and bucket settings (in {@code .minio.sys},
 * which the running server rewrites).
 */
public final class OfflineBaselineStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "minio.offline-baseline";

    private final Path minioDir;
    private final MinioOptions options;

    /**
     * A walk of {@code slowDataDir/minio} with the default options.
     *
     * @param slowDataDir SLOW_DATA_DIR
     */
    public OfflineBaselineStep(Path slowDataDir) {
        this(slowDataDir, MinioOptions.defaults());
    }

    /**
     * A walk of {@code slowDataDir/minio}.
     *
     * @param slowDataDir SLOW_DATA_DIR
     * @param options     the options (content digest, sort budget)
     */
    public OfflineBaselineStep(Path slowDataDir, MinioOptions options) {
        this.minioDir = Objects.requireNonNull(slowDataDir, "slowDataDir").resolve(KaapanaNames.MINIO_DATA);
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Record MinIO's data folder while the platform is undeployed (" + minioDir + ")";
    }

    @Override
    public PlatformState requiredState() {
        return PlatformState.UNDEPLOYED;
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        Optional<OfflineInventory> recorded = ctx.get(MinioKeys.OFFLINE_BASELINE);
        if (recorded.isPresent() && Files.isRegularFile(Path.of(recorded.get().filesListing()))) {
            OfflineInventory r = recorded.get();
            return StepCheck.upToDate("walked " + r.folder() + " at " + r.takenAt() + ": " + r.buckets().size()
                    + " buckets, " + r.buckets().stream().mapToLong(OfflineInventory.OfflineBucket::objects).sum()
                    + " objects, " + r.files() + " files");
        }
        String format;
        try {
            format = OfflineWalk.format(minioDir);
        } catch (MigrationException e) {
            return new StepCheck.Blocked(e.problem().orElseThrow());
        }
        return StepCheck.pending(List.of(Change.of(Change.Kind.CREATE, "offline baseline of " + minioDir, null,
                "walk of the " + format + " layout", 1)));
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        OfflineInventory inventory = walk(ctx.fileArea().resolve("offline"), ctx);
        ctx.put(MinioKeys.OFFLINE_BASELINE, inventory);
        return List.of(Change.of(Change.Kind.CREATE, "offline baseline of " + minioDir, null, inventory.buckets().size()
                + " buckets, " + inventory.files() + " files, " + inventory.fileBytes() + " bytes", 1));
    }

    private OfflineInventory walk(Path out, MigrationContext ctx) {
        try {
            return OfflineWalk.walk(minioDir, out, options.offlineContentDigest(), options.sortBudgetBytes(),
                    () -> ctx.clock().instant());
        } catch (IOException e) {
            throw new MigrationException(Problem.of(MinioErrorCode.DATA_FOLDER_INVALID, "walking " + minioDir
                    + " failed: " + e, "a readable MinIO data folder", "run as a user who can read the folder "
                    + "(MinIO's files belong to the pod's user), or as root"), e);
        }
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        Optional<OfflineInventory> recorded = ctx.get(MinioKeys.OFFLINE_BASELINE);
        if (recorded.isEmpty()) {
            return Verification.builder().fact("offline baseline of " + minioDir, "recorded while undeployed",
                    "none recorded", false).build();
        }
        OfflineInventory r = recorded.get();
        boolean additionsAllowed = ctx.platformState() == PlatformState.TARGET_RUNNING;
        Path temp = null;
        try {
            temp = Files.createTempDirectory("kaapana-minio-walk-");
            OfflineInventory now = OfflineWalk.walk(minioDir, temp, r.contentDigest(), options.sortBudgetBytes(),
                    () -> ctx.clock().instant());
            ListingMerge.Differences d;
            try (RecordFile.Reader<ListingFile.Entry> before = ListingFile.read(Path.of(r.filesListing()));
                 RecordFile.Reader<ListingFile.Entry> after = ListingFile.read(Path.of(now.filesListing()))) {
                d = ListingMerge.compare(before::next, after::next, true, options.namedDifferences());
            } catch (IOException e) {
                throw Inventories.invalid(Path.of(r.filesListing()), e);
            }
            List<Verification.Fact> facts = new java.util.ArrayList<>();
            String name = "files of " + minioDir + " (outside .minio.sys) as walked at " + r.takenAt();
            if (additionsAllowed) {
                facts.add(Facts.comparison(name + ", new files allowed once 0.5 runs", d, Verification.Basis.BASELINE));
            } else {
                boolean same = d.nothingLost() && d.added() == 0;
                facts.add(new Verification.Fact(name + ", untouched", "every file as recorded, none added",
                        Facts.describe(d), same, Verification.Basis.BASELINE));
            }
            facts.add(new Verification.Fact("layout of " + minioDir, r.format(), now.format(),
                    r.format().equals(now.format())));
            return Verification.of(facts);
        } catch (IOException e) {
            throw new MigrationException(Problem.of(MinioErrorCode.DATA_FOLDER_INVALID, "walking " + minioDir
                    + " again failed: " + e, "a readable MinIO data folder", "run as a user who can read the folder"),
                    e);
        } finally {
            Inventories.deleteQuietly(temp);
        }
    }

    @Override
    public String toString() {
        return ID + "[" + minioDir + "]";
    }
}
