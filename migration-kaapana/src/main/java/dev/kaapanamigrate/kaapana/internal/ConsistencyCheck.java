package dev.kaapanamigrate.kaapana.internal;

import dev.kaapanamigrate.core.RecordFile;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.kaapana.ConsistencyOptions;
import dev.kaapanamigrate.kaapana.ConsistencyReport;
import dev.kaapanamigrate.kaapana.ConsistencyReport.Kind;
import dev.kaapanamigrate.kaapana.ConsistencySnapshot;
import dev.kaapanamigrate.kaapana.DicomWebSeries;
import dev.kaapanamigrate.kaapana.KaapanaErrorCode;
import dev.kaapanamigrate.minio.ObjectInventory;
import dev.kaapanamigrate.minio.ProjectBuckets;
import dev.kaapanamigrate.minio.ThumbnailKeys;
import dev.kaapanamigrate.opensearch.DocumentListings;
import dev.kaapanamigrate.opensearch.IndexInventory;
import dev.kaapanamigrate.opensearch.ProjectRoles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins the database side ({@link ConsistencySnapshot}) with the stores once 0.5 runs: per project its mapped series
 * with its index's documents, its datasets' series with its mapped series, its bucket's thumbnails with its series; every
 * mapped series with {@code project_admin}; optionally the PACS's series with the mappings and {@code project_admin}. Every
 * join is a merge of two sorted files (flat memory, one pass); inputs that do not come sorted (thumbnail keys, the PACS)
 * are sorted first in flat memory ({@link IdFile#sorted}).
 */
public final class ConsistencyCheck {

    private static final Logger LOG = LoggerFactory.getLogger(ConsistencyCheck.class);

    private ConsistencyCheck() {
    }

    /**
     * What the store side offers; {@code null} where an input is not available.
     *
     * @param search     the index listings, or {@code null}
     * @param thumbnails the thumbnail keys per bucket ({@code minio.verify}), or {@code null}
     * @param objects    the 0.5 object inventory ({@code minio.verify}), or {@code null}
     * @param buckets    buckets and policies per project ({@code minio.check-policies}), or {@code null}
     * @param roles      roles per project ({@code opensearch.check-security}), or {@code null}
     * @param pacs       the PACS's series search, or {@code null}
     */
    public record Inputs(DocumentListings search, ThumbnailKeys thumbnails, ObjectInventory objects, ProjectBuckets buckets,
                         ProjectRoles roles, DicomWebSeries pacs) {
    }

    /**
     * Runs every join.
     *
     * @param db           the database side
     * @param databaseSide how the database side was read, for the report
     * @param in           the store side
     * @param dir          where the store side's files and the series lists go (created)
     * @param ctx          progress and the clock
     * @param options      the options
     * @return the report
     */
    public static ConsistencyReport compute(ConsistencySnapshot db, String databaseSide, Inputs in, Path dir,
                                            MigrationContext ctx, ConsistencyOptions options) {
        try {
            Files.createDirectories(dir);
            return new Run(db, in, dir, ctx, options).run(databaseSide);
        } catch (IOException e) {
            throw new MigrationException(Problem.of(KaapanaErrorCode.CONSISTENCY_INPUT, "joining the stores in " + dir
                    + " failed: " + e.getMessage(), "readable series lists of the database side and a writable folder",
                    "keep the state directory of the run that read the databases (or give live connections), free space, "
                            + "then run again"), e);
        }
    }

    /** One computation. */
    private static final class Run {
        private final ConsistencySnapshot db;
        private final Inputs in;
        private final Path dir;
        private final Path dbDir;
        private final MigrationContext ctx;
        private final ConsistencyOptions options;
        private final int limit;
        private final List<ConsistencyReport.Finding> findings = new ArrayList<>();
        private final List<String> notChecked = new ArrayList<>();

        Run(ConsistencySnapshot db, Inputs in, Path dir, MigrationContext ctx, ConsistencyOptions options) {
            this.db = db;
            this.in = in;
            this.dir = dir;
            this.dbDir = Path.of(db.directory());
            this.ctx = ctx;
            this.options = options;
            this.limit = options.firstDifferences();
        }

        ConsistencyReport run(String databaseSide) throws IOException {
            Set<String> indices = null;
            Map<String, IndexInventory> listed = Map.of();
            if (in.search() != null) {
                indices = new TreeSet<>(in.search().indices());
                Set<String> wanted = new TreeSet<>();
                for (ConsistencySnapshot.Project p : db.projects()) {
                    if (indices.contains(p.index())) {
                        wanted.add(p.index());
                    }
                }
                listed = in.search().take(wanted, dir.resolve("index"), null);
            } else {
                notChecked.add("documents of the project indices and project_admin: no OpenSearch client given");
            }
            if (in.thumbnails() == null) {
                notChecked.add("thumbnails per series: no thumbnail listing in the context (minio.verify puts it)");
            }
            if (in.buckets() == null && in.objects() == null) {
                notChecked.add("project buckets: no object listing in the context (minio.verify or minio.check-policies put "
                        + "it)");
            }
            if (in.buckets() == null) {
                notChecked.add("project policies: no policy check in the context (minio.check-policies puts it; it needs a "
                        + "policy client)");
            }
            if (in.roles() == null) {
                notChecked.add("project roles: no security check in the context (opensearch.check-security puts it)");
            }

            List<ConsistencyReport.ProjectCounts> counts = new ArrayList<>();
            int done = 0;
            ConsistencySnapshot.Project adminProject = null;
            for (ConsistencySnapshot.Project p : db.projects()) {
                if (p.admin()) {
                    adminProject = p;
                }
                counts.add(project(p, indices, listed));
                ctx.progress(++done, db.projects().size(), "projects joined", p.name());
            }

            IndexInventory adminIndex = adminProject == null ? null : listed.get(adminProject.index());
            if (adminIndex != null) {
                Sample notInAdmin = new Sample(limit);
                Sample notMapped = new Sample(limit);
                try (IdCursor mapped = IdFile.open(dbDir.resolve(db.allSeriesFile()));
                     IdCursor docs = new ListingCursor(dir.resolve("index").resolve(adminIndex.listingFile()))) {
                    MergeJoin.join(mapped, docs, notInAdmin, notMapped);
                }
                add(Kind.MAPPED_NOT_IN_ADMIN_INDEX, null, notInAdmin);
                add(Kind.ADMIN_INDEXED_NOT_MAPPED, null, notMapped);
            }
            if (in.pacs() != null) {
                pacs(adminIndex);
            }
            findings.addAll(db.findings());
            findings.sort(java.util.Comparator.comparing(ConsistencyReport.Finding::kind));
            LOG.info("Consistency check: {} projects, {} findings, not checked: {}", counts.size(), findings.size(),
                    notChecked.isEmpty() ? "nothing" : notChecked);
            return new ConsistencyReport(ctx.clock().instant(), ctx.runId().toString(), databaseSide,
                    dir.toAbsolutePath().toString(), counts, findings, notChecked);
        }

        private ConsistencyReport.ProjectCounts project(ConsistencySnapshot.Project p, Set<String> indices,
                                                        Map<String, IndexInventory> listed) throws IOException {
            Path series = dbDir.resolve(p.seriesFile());
            Boolean index = indices == null ? null : indices.contains(p.index());
            if (Boolean.FALSE.equals(index)) {
                add(Kind.PROJECT_WITHOUT_INDEX, null, one(p.index() + " (project " + p.name() + ")"));
            }
            long indexed = -1;
            IndexInventory inv = listed.get(p.index());
            if (inv != null) {
                indexed = inv.documents();
                if (!p.admin()) {
                    Sample mappedOnly = new Sample(limit);
                    Sample indexedOnly = new Sample(limit);
                    try (IdCursor a = IdFile.open(series);
                         IdCursor b = new ListingCursor(dir.resolve("index").resolve(inv.listingFile()))) {
                        MergeJoin.join(a, b, mappedOnly, indexedOnly);
                    }
                    add(Kind.MAPPED_NOT_INDEXED, p.name(), mappedOnly);
                    add(Kind.INDEXED_NOT_MAPPED, p.name(), indexedOnly);
                }
            }

            Sample unmappedMembers = new Sample(limit);
            try (IdCursor a = IdFile.open(dbDir.resolve(p.membersFile())); IdCursor b = IdFile.open(series)) {
                MergeJoin.join(a, b, unmappedMembers, null);
            }
            add(Kind.MEMBER_NOT_MAPPED, p.name(), unmappedMembers);

            long thumbnails = -1;
            long without = -1;
            String withoutFile = null;
            Optional<ThumbnailKeys.Bucket> thumbs = in.thumbnails() == null ? Optional.empty()
                    : in.thumbnails().bucket(p.bucket());
            if (thumbs.isPresent()) {
                Path sorted = dir.resolve("thumbnails-" + p.id() + ".ids");
                try (RecordFile.SortingWriter<String> w = IdFile.sorted(sorted, options.sortBudgetBytes());
                     BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                             Files.newInputStream(Path.of(thumbs.get().file())), 1 << 16), StandardCharsets.US_ASCII))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        if (!line.isEmpty()) {
                            w.add(line);
                        }
                    }
                    thumbnails = w.finish();
                }
                withoutFile = "without-thumbnail-" + p.id() + ".ids";
                Sample orphans = new Sample(limit);
                try (RecordFile.SortingWriter<String> all = IdFile.writer(dir.resolve(withoutFile))) {
                    Sample missing = new Sample(limit, all);
                    try (IdCursor a = IdFile.open(series); IdCursor b = IdFile.open(sorted)) {
                        MergeJoin.join(a, b, missing, orphans);
                    }
                    without = missing.count();
                    all.finish();
                    add(Kind.SERIES_WITHOUT_THUMBNAIL, p.name(), missing);
                }
                add(Kind.THUMBNAIL_WITHOUT_SERIES, p.name(), orphans);
            }

            Boolean bucket = null;
            Boolean policy = null;
            if (in.buckets() != null) {
                Optional<ProjectBuckets.Project> b = in.buckets().projects().stream()
                        .filter(x -> x.projectId().equals(p.id())).findFirst();
                if (b.isPresent()) {
                    bucket = b.get().bucketExists();
                    policy = b.get().missing().isEmpty();
                    if (!policy) {
                        add(Kind.PROJECT_WITHOUT_POLICY, null, one(String.join(", ", b.get().missing()) + " (project "
                                + p.name() + ", bucket " + p.bucket() + ")"));
                    }
                } else {
                    policy = false;
                    add(Kind.PROJECT_WITHOUT_POLICY, null, one("project " + p.name() + " was not checked by "
                            + "minio.check-policies (it is not in the project list it read)"));
                }
            }
            if (bucket == null && in.objects() != null) {
                bucket = in.objects().bucket(p.bucket()).isPresent();
            }
            if (Boolean.FALSE.equals(bucket)) {
                add(Kind.PROJECT_WITHOUT_BUCKET, null, one(p.bucket() + " (project " + p.name() + ")"));
            }
            Boolean role = null;
            if (in.roles() != null) {
                List<ProjectRoles.Role> mine = in.roles().roles().stream().filter(r -> r.projectId().equals(p.id())).toList();
                role = !mine.isEmpty() && mine.stream().allMatch(ProjectRoles.Role::mapped);
                if (!role) {
                    add(Kind.PROJECT_WITHOUT_ROLE, null, one(mine.isEmpty() ? "project " + p.name() + " was not checked "
                            + "by opensearch.check-security" : mine.stream().filter(r -> !r.mapped())
                            .map(r -> r.role() + (r.exists() ? " not mapped to " + r.backendRole() : " missing"))
                            .reduce((x, y) -> x + ", " + y).orElse("") + " (project " + p.name() + ")"));
                }
            }
            return new ConsistencyReport.ProjectCounts(p.name(), p.id(), p.admin(), p.series(), indexed, p.datasets(),
                    p.workflows(), p.members(), thumbnails, without, dbDir.resolve(p.seriesFile()).toString(),
                    withoutFile == null ? null : dir.resolve(withoutFile).toAbsolutePath().toString(), bucket, index,
                    policy, role);
        }

        private void pacs(IndexInventory adminIndex) throws IOException {
            Path sorted = dir.resolve("pacs-series.ids");
            try (RecordFile.SortingWriter<String> w = IdFile.sorted(sorted, options.sortBudgetBytes())) {
                in.pacs().forEachSeries(uid -> {
                    try {
                        w.add(uid);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                w.finish();
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            Sample notInPacs = new Sample(limit);
            Sample notMapped = new Sample(limit);
            try (IdCursor mapped = IdFile.open(dbDir.resolve(db.allSeriesFile())); IdCursor pacs = IdFile.open(sorted)) {
                MergeJoin.join(mapped, pacs, notInPacs, notMapped);
            }
            add(Kind.MAPPED_NOT_IN_PACS, null, notInPacs);
            add(Kind.PACS_NOT_MAPPED, null, notMapped);
            if (adminIndex != null) {
                Sample notIndexed = new Sample(limit);
                Sample indexedOnly = new Sample(limit);
                try (IdCursor pacs = IdFile.open(sorted);
                     IdCursor docs = new ListingCursor(dir.resolve("index").resolve(adminIndex.listingFile()))) {
                    MergeJoin.join(pacs, docs, notIndexed, indexedOnly);
                }
                add(Kind.PACS_NOT_INDEXED, null, notIndexed);
                add(Kind.INDEXED_NOT_IN_PACS, null, indexedOnly);
            } else {
                notChecked.add("the PACS against project_admin: project_admin was not listed");
            }
        }

        private static Sample one(String shown) throws IOException {
            Sample s = new Sample(1);
            s.add(shown);
            return s;
        }

        private void add(Kind kind, String project, Sample s) {
            if (s.count() == 0) {
                return;
            }
            if (project == null) {
                // per-resource findings without a project of their own are merged into one finding per kind
                for (int i = 0; i < findings.size(); i++) {
                    ConsistencyReport.Finding f = findings.get(i);
                    if (f.kind() == kind && f.project() == null) {
                        List<String> first = new ArrayList<>(f.first());
                        for (String x : s.first()) {
                            if (first.size() < limit) {
                                first.add(x);
                            }
                        }
                        findings.set(i, new ConsistencyReport.Finding(kind, null, f.count() + s.count(), first));
                        return;
                    }
                }
            }
            findings.add(new ConsistencyReport.Finding(kind, project, s.count(), s.first()));
        }
    }
}
