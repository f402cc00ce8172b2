package dev.kaapanamigrate.kaapana;

import dev.kaapanamigrate.core.ContextKey;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link ConsistencyStep} found across the stores once 0.5 ran: per project the counts on each side, and per kind
 * of inconsistency the orphans (the first {@link ConsistencyOptions#firstDifferences()} named, all counted). Shared as
 * {@link #KEY} (journaled: plain data, no secret); the series lists it names (every series of a project, those without
 * a thumbnail) are files in {@link #directory()}, for the follow-up workflows.
 *
 * @param takenAt      when the store side was read
 * @param runId        the run (or standalone context) that took it
 * @param databaseSide where the database side came from: {@code snapshot of <time>} or {@code live}
 * @param directory    the folder of the series files (absolute)
 * @param projects     per project its counts, in the access-information database's order (admin first)
 * @param findings     every kind found at least once, per project where it belongs to one
 * @param notChecked   what could not be checked and why (an input missing: no index client, no thumbnail listing)
 */
public record ConsistencyReport(Instant takenAt, String runId, String databaseSide, String directory,
                                List<ProjectCounts> projects, List<Finding> findings, List<String> notChecked) {

    /** The context key. */
    public static final ContextKey<ConsistencyReport> KEY = ContextKey.of("kaapana.consistency", ConsistencyReport.class);

    /** The kinds of inconsistency, each with what it means. */
    public enum Kind {
        /** A series mapped to a project (dicom-web-filter) without a document in the project's index. */
        MAPPED_NOT_INDEXED("series mapped to a project without a document in the project's index"),
        /** A document of a project index whose series is not mapped to that project. */
        INDEXED_NOT_MAPPED("documents of a project index whose series is not mapped to the project"),
        /** A mapped series without a document in {@code project_admin}. */
        MAPPED_NOT_IN_ADMIN_INDEX("mapped series without a document in project_admin"),
        /** A document of {@code project_admin} whose series is mapped to no project. */
        ADMIN_INDEXED_NOT_MAPPED("documents in project_admin whose series is mapped to no project"),
        /** A series mapping to a project that does not exist. */
        MAPPING_UNKNOWN_PROJECT("series mappings to a project that does not exist"),
        /** A dataset member ({@code identifier2dataset}) that is not in {@code identifiers}. */
        MEMBER_WITHOUT_IDENTIFIER("dataset members that are not in identifiers"),
        /** A dataset member whose series is not mapped to the dataset's project. */
        MEMBER_NOT_MAPPED("dataset members whose series is not mapped to the dataset's project"),
        /** A dataset of a project that does not exist. */
        DATASET_UNKNOWN_PROJECT("datasets of a project that does not exist"),
        /** A workflow of a project that does not exist. */
        WORKFLOW_UNKNOWN_PROJECT("workflows of a project that does not exist"),
        /** A project without its bucket. */
        PROJECT_WITHOUT_BUCKET("projects without their bucket"),
        /** A project without its index. */
        PROJECT_WITHOUT_INDEX("projects without their index"),
        /** A project without its UUID-named MinIO policy granting its bucket. */
        PROJECT_WITHOUT_POLICY("projects without their UUID-named policy granting the bucket"),
        /** A project without its OpenSearch role mapped to its UUID backend role. */
        PROJECT_WITHOUT_ROLE("projects without their role mapped to the UUID backend role"),
        /** A thumbnail in a project bucket of a series not mapped to the project. */
        THUMBNAIL_WITHOUT_SERIES("thumbnails of a series not mapped to the bucket's project"),
        /** A series of a project without a thumbnail in the project's bucket (0.4 made them for SEG/RTSTRUCT only). */
        SERIES_WITHOUT_THUMBNAIL("series without a thumbnail in the project's bucket"),
        /** A series the PACS holds that is mapped to no project. */
        PACS_NOT_MAPPED("series in the PACS mapped to no project"),
        /** A mapped series the PACS does not hold. */
        MAPPED_NOT_IN_PACS("mapped series the PACS does not hold"),
        /** A series the PACS holds without a document in {@code project_admin}. */
        PACS_NOT_INDEXED("series in the PACS without a document in project_admin"),
        /** A document of {@code project_admin} whose series the PACS does not hold. */
        INDEXED_NOT_IN_PACS("documents in project_admin whose series the PACS does not hold");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        /**
         * What the kind means, as reports name it.
         *
         * @return for example {@code series mapped to a project without a document in the project's index}
         */
        public String description() {
            return description;
        }
    }

    /**
     * One kind of inconsistency found, in one project or across all.
     *
     * @param kind    the kind
     * @param project the project's name, or {@code null} when the finding belongs to no project (or an unknown one)
     * @param count   how many
     * @param first   the first ones, as listed (for example {@code 1.2.3 (dataset tumor)}), at most
     *                {@link ConsistencyOptions#firstDifferences()}
     */
    public record Finding(Kind kind, String project, long count, List<String> first) {

        /**
         * Copies the list.
         *
         * @param kind    the kind
         * @param project the project or {@code null}
         * @param count   the count
         * @param first   the first ones
         */
        public Finding {
            Objects.requireNonNull(kind, "kind");
            first = List.copyOf(first);
        }

        /**
         * The finding as one line: {@code 2 series mapped to … (project neuro): a, b}.
         *
         * @return the text
         */
        public String describe() {
            String more = count > first.size() ? ", and " + (count - first.size()) + " more" : "";
            return count + " " + kind.description() + (project == null ? "" : " (project " + project + ")")
                    + (first.isEmpty() ? "" : ": " + String.join(", ", first) + more);
        }
    }

    /**
     * One project's counts. A store side not checked has {@code -1} counts and {@code null} flags.
     *
     * @param project                the project's name
     * @param projectId              its UUID
     * @param admin                  whether it is the admin project
     * @param mappedSeries           series mapped to it (dicom-web-filter)
     * @param indexedSeries          documents in its index
     * @param datasets               its datasets
     * @param workflows              its workflows
     * @param members                distinct series in its datasets
     * @param thumbnails             thumbnails in its bucket
     * @param seriesWithoutThumbnail its series without a thumbnail in its bucket
     * @param seriesFile             the file of its mapped series (sorted identifier file, in {@link #directory()}), or
     *                               {@code null}
     * @param withoutThumbnailFile   the file of its series without a thumbnail, or {@code null}
     * @param bucket                 whether its bucket exists
     * @param index                  whether its index exists
     * @param policy                 whether its UUID-named policy grants the bucket
     * @param role                   whether its role is mapped to the UUID backend role
     */
    public record ProjectCounts(String project, String projectId, boolean admin, long mappedSeries, long indexedSeries,
                                long datasets, long workflows, long members, long thumbnails, long seriesWithoutThumbnail,
                                String seriesFile, String withoutThumbnailFile, Boolean bucket, Boolean index,
                                Boolean policy, Boolean role) {

        /**
         * The counts as one line.
         *
         * @return the text
         */
        public String describe() {
            return "project " + project + ": " + mappedSeries + " series mapped, " + count(indexedSeries) + " in its index, "
                    + datasets + " datasets (" + members + " series), " + workflows + " workflows, "
                    + count(thumbnails) + " thumbnails (" + count(seriesWithoutThumbnail) + " series without); bucket "
                    + flag(bucket) + ", index " + flag(index) + ", policy " + flag(policy) + ", role " + flag(role);
        }

        private static String count(long n) {
            return n < 0 ? "not checked" : Long.toString(n);
        }

        private static String flag(Boolean b) {
            return b == null ? "not checked" : b ? "ok" : "MISSING";
        }
    }

    /**
     * Copies the lists.
     *
     * @param takenAt      when
     * @param runId        the run
     * @param databaseSide where the database side came from
     * @param directory    the folder of the series files
     * @param projects     the projects
     * @param findings     the findings
     * @param notChecked   what was not checked
     */
    public ConsistencyReport {
        Objects.requireNonNull(takenAt, "takenAt");
        projects = List.copyOf(projects);
        findings = List.copyOf(findings);
        notChecked = List.copyOf(notChecked);
    }

    /**
     * How many of a kind were found, over all projects.
     *
     * @param kind the kind
     * @return the count
     */
    public long count(Kind kind) {
        return findings.stream().filter(f -> f.kind() == kind).mapToLong(Finding::count).sum();
    }

    /**
     * The findings of a kind.
     *
     * @param kind the kind
     * @return the findings, per project
     */
    public List<Finding> findings(Kind kind) {
        return findings.stream().filter(f -> f.kind() == kind).toList();
    }

    /**
     * One project's counts.
     *
     * @param name the project's name
     * @return the counts, or empty
     */
    public Optional<ProjectCounts> project(String name) {
        return projects.stream().filter(p -> p.project().equals(name)).findFirst();
    }

    /**
     * The admin project's counts.
     *
     * @return the counts, or empty when the access-information database names no admin project
     */
    public Optional<ProjectCounts> admin() {
        return projects.stream().filter(ProjectCounts::admin).findFirst();
    }
}
