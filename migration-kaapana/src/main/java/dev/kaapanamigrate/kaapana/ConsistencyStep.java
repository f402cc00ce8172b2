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
import dev.kaapanamigrate.kaapana.internal.ConsistencyCheck;
import dev.kaapanamigrate.kaapana.internal.DatabaseSide;
import dev.kaapanamigrate.minio.MinioKeys;
import dev.kaapanamigrate.minio.ThumbnailKeys;
import dev.kaapanamigrate.opensearch.DocumentListings;
import dev.kaapanamigrate.opensearch.ProjectRoles;
import dev.kaapanamigrate.postgres.DatabaseConnections;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * {@code kaapana.consistency} (0.5 running): proves that the stores agree with each other after the upgrade. Every
 * series mapped in dicom-web-filter has a document in {@code project_admin} and in its project's index, and every
 * indexed series is mapped; every dataset member is an identifier and a series mapped to the dataset's project; every
 * dataset, workflow and mapping belongs to an existing project; every project has its bucket, index, UUID-named policy
 * and role; and per series whether its project's bucket holds its thumbnail. Optionally the PACS itself, through
 * DICOMweb ({@link DicomWebSeries}): series it holds that are not mapped or indexed, and the reverse. The result is
 * {@link ConsistencyReport} ({@link ConsistencyReport#KEY}): counts per project and the orphans on each side (the first
 * {@link ConsistencyOptions#firstDifferences()} named, all counted).
 *
 * <p>Where each side comes from (reference §16, what can be reached when):
 * <ul>
 *   <li>the databases: the snapshot {@link DatabaseSnapshotStep} saved while undeployed ({@link ConsistencySnapshot#KEY});
 *   or, given {@link Builder#databases live connections} (the caller's own servers or a port-forward), read now;</li>
 *   <li>the indices: listed now through the caller's OpenSearch client ({@link DocumentListings});</li>
 *   <li>the thumbnails, buckets, policies and roles: the facts {@code minio.verify}, {@code minio.check-policies} and
 *   {@code opensearch.check-security} put into the context (not listed again).</li>
 * </ul>
 * An input that is missing makes its checks {@linkplain Verification.Builder#notProven not proven} (the run ends
 * incomplete), never silently passed. Every join is a merge of sorted files: flat memory at a million series.
 *
 * <p>Its verify fails for every kind of inconsistency found, except the kinds {@link ConsistencyOptions#tolerated()}
 * (by default only missing thumbnails: 0.4 made them for SEG and RTSTRUCT series only, the follow-up
 * {@code generate-thumbnail} fills them).
 *
 * <pre>{@code
 * ConsistencyStep check = ConsistencyStep.builder().searchIndex(openSearch).build();      // database side: the snapshot
 * builder.step(check, DatabaseSnapshotStep.ID, "minio.check-policies", "opensearch.check-security");
 * }</pre>
 */
public final class ConsistencyStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "kaapana.consistency";

    private final DatabaseConnections databases;
    private final OpenSearchClient search;
    private final DicomWebSeries pacs;
    private final ConsistencyOptions options;

    private ConsistencyStep(Builder b) {
        this.databases = b.databases;
        this.search = b.search;
        this.pacs = b.pacs;
        this.options = b.options;
    }

    /**
     * Starts configuring the step.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder(null, null, null, ConsistencyOptions.defaults());
    }

    /** Configures a {@link ConsistencyStep}; immutable: every method returns a new builder. */
    public static final class Builder {
        private final DatabaseConnections databases;
        private final OpenSearchClient search;
        private final DicomWebSeries pacs;
        private final ConsistencyOptions options;

        private Builder(DatabaseConnections databases, OpenSearchClient search, DicomWebSeries pacs,
                        ConsistencyOptions options) {
            this.databases = databases;
            this.search = search;
            this.pacs = pacs;
            this.options = options;
        }

        /**
         * Reads the databases live once 0.5 runs, instead of the snapshot taken while undeployed: for the caller's own
         * connections (never temporary servers: no server may run on a folder 0.5's pods use).
         *
         * @param connections the connections
         * @return a new builder
         */
        public Builder databases(DatabaseConnections connections) {
            return new Builder(Objects.requireNonNull(connections, "connections"), search, pacs, options);
        }

        /**
         * The caller's client of 0.5's OpenSearch; without it the index side is not checked (and said so).
         *
         * @param client the client
         * @return a new builder
         */
        public Builder searchIndex(OpenSearchClient client) {
            return new Builder(databases, Objects.requireNonNull(client, "client"), pacs, options);
        }

        /**
         * Also compares the PACS itself, through its DICOMweb series search.
         *
         * @param series the series search
         * @return a new builder
         */
        public Builder dicomWeb(DicomWebSeries series) {
            return new Builder(databases, search, Objects.requireNonNull(series, "series"), options);
        }

        /**
         * The options.
         *
         * @param opts the options
         * @return a new builder
         */
        public Builder options(ConsistencyOptions opts) {
            return new Builder(databases, search, pacs, Objects.requireNonNull(opts, "opts"));
        }

        /**
         * Builds the step.
         *
         * @return the step
         */
        public ConsistencyStep build() {
            return new ConsistencyStep(this);
        }
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Check that series mappings, indices, datasets, workflows, buckets, policies, roles and thumbnails agree"
                + (pacs == null ? "" : " with each other and with the PACS (" + pacs.endpoint() + ")");
    }

    @Override
    public PlatformState requiredState() {
        return PlatformState.TARGET_RUNNING;
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        if (ctx.platformState() != PlatformState.TARGET_RUNNING) {
            return StepCheck.deferred(PlatformState.TARGET_RUNNING, "the stores are reachable once 0.5 runs");
        }
        if (databases == null && ctx.get(ConsistencySnapshot.KEY).isEmpty()) {
            return new StepCheck.Blocked(noDatabaseSide());
        }
        Optional<ConsistencyReport> report = ctx.get(ConsistencyReport.KEY);
        if (report.isPresent() && filesExist(report.get())) {
            return StepCheck.upToDate("checked at " + report.get().takenAt() + ": " + summary(report.get()));
        }
        return StepCheck.pending(List.of(Change.of(Change.Kind.CREATE, "consistency report of " + describeSides(ctx), null,
                "counts per project, orphans on each side", 1)));
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        ConsistencyReport report = compute(ctx, ctx.fileArea());
        ctx.put(ConsistencyReport.KEY, report);
        return List.of(Change.of(Change.Kind.CREATE, "consistency report in " + report.directory(), null,
                summary(report), 1));
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        Optional<ConsistencyReport> recorded = ctx.get(ConsistencyReport.KEY)
                .filter(r -> ctx.runId().toString().equals(r.runId()) && filesExist(r));
        if (recorded.isPresent()) {
            return facts(recorded.get());
        }
        Path temp;
        try {
            Files.createDirectories(options.scratch());
            temp = Files.createTempDirectory(options.scratch(), "kaapana-consistency-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch folder in " + options.scratch() + ": " + e.getMessage(),
                    e);
        }
        try {
            return facts(compute(ctx, temp));
        } finally {
            Directories.deleteTreeQuietly(temp);
        }
    }

    private ConsistencyReport compute(MigrationContext ctx, Path dir) {
        ConsistencySnapshot db;
        String side;
        if (databases != null) {
            db = DatabaseSide.read(databases, ctx, dir.resolve("database"), options);
            side = "live";
        } else {
            db = ctx.get(ConsistencySnapshot.KEY).orElseThrow(() -> new MigrationException(noDatabaseSide(), null));
            List<String> missing = DatabaseSnapshotStep.missingFiles(db);
            if (!missing.isEmpty()) {
                throw new MigrationException(Problem.of(KaapanaErrorCode.CONSISTENCY_INPUT, "the database snapshot taken "
                        + "at " + db.takenAt() + " lacks its files: " + String.join("; ", missing.subList(0,
                        Math.min(5, missing.size()))), "the series lists " + DatabaseSnapshotStep.ID + " saved",
                        "keep the state directory of the run that took the snapshot, or give the check live connections "
                                + "(ConsistencyStep.builder().databases(...))"), null);
            }
            side = "snapshot of " + db.takenAt();
        }
        Optional<ThumbnailKeys> thumbnails = ctx.get(MinioKeys.THUMBNAILS)
                .filter(t -> t.buckets().stream().allMatch(b -> Files.isRegularFile(Path.of(b.file()))));
        ConsistencyCheck.Inputs in = new ConsistencyCheck.Inputs(
                search == null ? null : DocumentListings.of(search, options.search()),
                thumbnails.orElse(null), ctx.get(MinioKeys.TARGET).orElse(null),
                ctx.get(MinioKeys.PROJECT_BUCKETS).orElse(null), ctx.get(ProjectRoles.KEY).orElse(null), pacs);
        return ConsistencyCheck.compute(db, side, in, dir, ctx, options);
    }

    private Verification facts(ConsistencyReport r) {
        Verification.Builder v = Verification.builder();
        List<String> clean = new ArrayList<>();
        for (ConsistencyReport.Kind kind : ConsistencyReport.Kind.values()) {
            List<ConsistencyReport.Finding> found = r.findings(kind);
            if (found.isEmpty()) {
                if (applies(kind)) {
                    clean.add(kind.description());
                }
                continue;
            }
            boolean tolerated = options.tolerated().contains(kind);
            v.fact("consistency: " + kind.description(), tolerated ? "any (reported, tolerated)" : "none",
                    r.count(kind) + ": " + String.join("; ", found.stream().map(ConsistencyReport.Finding::describe)
                            .toList()), tolerated);
        }
        v.fact("consistency: kinds without a finding", "listed", clean.isEmpty() ? "none" : String.join("; ", clean),
                true);
        for (ConsistencyReport.ProjectCounts p : r.projects()) {
            v.fact("consistency counts of project " + p.project(), "listed", p.describe(), true);
        }
        for (String n : r.notChecked()) {
            int colon = n.indexOf(": ");
            v.notProven("consistency: " + (colon < 0 ? n : n.substring(0, colon)), colon < 0 ? n : n.substring(colon + 2));
        }
        return v.build();
    }

    private boolean applies(ConsistencyReport.Kind kind) {
        return pacs != null || !kind.name().contains("PACS");
    }

    private String describeSides(MigrationContext ctx) {
        String db = databases != null ? "the databases (live)" : ctx.get(ConsistencySnapshot.KEY)
                .map(s -> "the database snapshot of " + s.takenAt()).orElse("no database side");
        return db + ", " + (search == null ? "no index client" : "the indices") + ", the store facts in the context"
                + (pacs == null ? "" : " and the PACS at " + pacs.endpoint());
    }

    private static String summary(ConsistencyReport r) {
        long failing = r.findings().stream().filter(f -> f.kind() != ConsistencyReport.Kind.SERIES_WITHOUT_THUMBNAIL)
                .mapToLong(ConsistencyReport.Finding::count).sum();
        return r.projects().size() + " projects, " + failing + " inconsistencies in "
                + r.findings().stream().map(ConsistencyReport.Finding::kind).filter(k -> k
                != ConsistencyReport.Kind.SERIES_WITHOUT_THUMBNAIL).distinct().count() + " kinds, "
                + r.count(ConsistencyReport.Kind.SERIES_WITHOUT_THUMBNAIL) + " series without a thumbnail"
                + (r.notChecked().isEmpty() ? "" : "; not checked: " + r.notChecked().size());
    }

    private static boolean filesExist(ConsistencyReport r) {
        return r.projects().stream().allMatch(p -> p.withoutThumbnailFile() == null
                || Files.isRegularFile(Path.of(p.withoutThumbnailFile())));
    }

    private static Problem noDatabaseSide() {
        return Problem.of(KaapanaErrorCode.CONSISTENCY_INPUT, "no database side for the consistency check: no snapshot in "
                        + "the context (" + ConsistencySnapshot.KEY.name() + ") and no live connections",
                "the snapshot " + DatabaseSnapshotStep.ID + " takes while undeployed, or the caller's own connections",
                "add " + DatabaseSnapshotStep.ID + " to the plan before the platform deploys 0.5, or give live connections "
                        + "with ConsistencyStep.builder().databases(DatabaseConnections.of(...))");
    }

    @Override
    public String toString() {
        return ID;
    }
}
