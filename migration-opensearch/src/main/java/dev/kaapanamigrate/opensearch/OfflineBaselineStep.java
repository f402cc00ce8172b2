package dev.kaapanamigrate.opensearch;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.domain.KaapanaNames;
import dev.kaapanamigrate.opensearch.internal.FolderInventory;
import dev.kaapanamigrate.opensearch.internal.ListingCompare;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code opensearch.offline-baseline} (undeployed): lists the files of OpenSearch's data folder FAST_DATA_DIR/os/data
 * (relative path, size, modification time, and with {@link OpenSearchOptions#withFileDigests(boolean)} a SHA-256 of
 * every file) into the step's file area and shares a summary as {@link DataFolderInventory#KEY}. With
 * {@link OfflineVerifyStep} at the end of the undeployed part it proves that the migration left the folder untouched,
 * for callers who start with the platform undeployed (no document baseline is possible then). Put it first among the
 * undeployed steps.
 *
 * <p>What it cannot prove: that the documents were intact or readable before (the folder is compared with itself, not
 * with what 0.4 served), anything about what 0.5 does once it runs (it writes to the folder), or, without file digests,
 * a change that kept a file's size and modification time.
 */
public final class OfflineBaselineStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "opensearch.offline-baseline";

    private static final String LISTING = "os-data.listing.gz";

    private final Path dataFolder;
    private final OpenSearchOptions options;

    /**
     * Creates the step.
     *
     * @param fastDataDir FAST_DATA_DIR
     * @param options     the options ({@link OpenSearchOptions#fileDigests()})
     */
    public OfflineBaselineStep(Path fastDataDir, OpenSearchOptions options) {
        this.dataFolder = Objects.requireNonNull(fastDataDir, "fastDataDir").resolve(KaapanaNames.OPENSEARCH_DATA);
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "List the files of FAST_DATA_DIR/" + KaapanaNames.OPENSEARCH_DATA + " while undeployed (path, size, "
                + "modification time" + (options.fileDigests() ? ", SHA-256" : "") + ")";
    }

    @Override
    public Optional<String> optionalOnceStatePassed() {
        return Optional.of("0.5 already runs and writes to FAST_DATA_DIR/" + KaapanaNames.OPENSEARCH_DATA
                + ": no file inventory is possible; nothing stands in for it");
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        if (ctx.platformState() != PlatformState.UNDEPLOYED) {
            return StepCheck.deferred(PlatformState.UNDEPLOYED, "OpenSearch writes to its data folder while it runs");
        }
        requireFolder(dataFolder);
        Optional<DataFolderInventory> recorded = ctx.get(DataFolderInventory.KEY);
        if (recorded.isPresent() && Files.isRegularFile(Path.of(recorded.get().listing()))) {
            return StepCheck.upToDate(recorded.get().files() + " files of " + dataFolder + " listed at "
                    + recorded.get().takenAt());
        }
        long files;
        try (Stream<Path> s = Files.walk(dataFolder)) {
            files = s.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw unreadable(dataFolder, e);
        }
        return StepCheck.pending(List.of(Change.of(Change.Kind.CREATE, "inventory of " + dataFolder, null, files
                + " files (path, size, modification time" + (options.fileDigests() ? ", SHA-256" : "") + ")",
                Math.max(1, files))));
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        requireFolder(dataFolder);
        Path listing = ctx.fileArea().resolve(LISTING);
        FolderInventory.Summary s;
        try {
            Files.createDirectories(listing.getParent());
            s = FolderInventory.write(dataFolder, listing, options.fileDigests());
        } catch (IOException e) {
            throw unreadable(dataFolder, e);
        }
        ctx.put(DataFolderInventory.KEY, new DataFolderInventory(dataFolder.toAbsolutePath().toString(),
                ctx.clock().instant(), s.files(), s.bytes(), s.digest(), options.fileDigests(),
                listing.toAbsolutePath().toString()));
        return List.of(Change.of(Change.Kind.CREATE, "inventory of " + dataFolder, null, s.files() + " files, "
                + s.bytes() + " bytes, digest " + s.digest(), Math.max(1, s.files())));
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        return compare(ctx, options.firstDifferences());
    }

    /**
     * Compares the data folder with the recorded inventory.
     *
     * @param ctx   the context
     * @param limit paths named per kind
     * @return the verification
     */
    static Verification compare(MigrationContext ctx, int limit) {
        Optional<DataFolderInventory> recorded = ctx.get(DataFolderInventory.KEY);
        if (recorded.isEmpty()) {
            return Verification.builder().fact("files of FAST_DATA_DIR/" + KaapanaNames.OPENSEARCH_DATA
                    + " unchanged while undeployed", "compared with " + ID, "not compared: no offline inventory "
                    + "recorded in this run", true).build();
        }
        DataFolderInventory b = recorded.get();
        Path folder = Path.of(b.folder());
        requireFolder(folder);
        ListingCompare.Differences d;
        try {
            d = FolderInventory.compare(folder, Path.of(b.listing()), b.contentDigests(), limit);
        } catch (IOException e) {
            throw new MigrationException(Problem.of(OpenSearchErrorCode.BASELINE_UNREADABLE,
                    "the inventory of " + folder + " cannot be compared: " + e.getMessage(), "a readable inventory "
                            + b.listing() + " and folder", OpenSearchErrorCode.BASELINE_UNREADABLE.remedy()), e);
        }
        boolean same = d.missing().count() == 0 && d.changed().count() == 0 && d.added().count() == 0;
        return Verification.of(List.of(new Verification.Fact("files of " + folder + " unchanged since " + b.takenAt(),
                "all " + b.files() + " files as listed (" + (b.contentDigests() ? "path, size, time, SHA-256"
                        : "path, size, modification time") + ")",
                same ? "unchanged" : "missing " + d.missing().describe() + "; changed " + d.changed().describe()
                        + "; added " + d.added().describe(), same, Verification.Basis.BASELINE)));
    }

    private static void requireFolder(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new MigrationException(Problem.of(OpenSearchErrorCode.DATA_FOLDER,
                    folder + (Files.exists(folder) ? " is not a folder" : " does not exist"),
                    "OpenSearch's data folder of the Kaapana installation",
                    OpenSearchErrorCode.DATA_FOLDER.remedy()), null);
        }
    }

    private static MigrationException unreadable(Path folder, IOException e) {
        return new MigrationException(Problem.of(OpenSearchErrorCode.DATA_FOLDER,
                folder + " cannot be read: " + e.getMessage(), "a readable data folder",
                OpenSearchErrorCode.DATA_FOLDER.remedy()), e);
    }
}
