package dev.kaapanamigrate.kaapana;

import dev.kaapanamigrate.core.ContextKey;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The database side of the consistency check, read by {@link DatabaseSnapshotStep} while the platform was undeployed
 * (the databases are reachable only then, through temporary servers) and saved, sorted, in that step's file area:
 * per project the series mapped to it (dicom-web-filter) and the series of its datasets (kaapana-backend), every mapped
 * series, and what the databases show on their own (mappings, datasets and workflows of projects that do not exist,
 * dataset members that are no identifier). Shared as {@link #KEY} (journaled; plain data); {@link ConsistencyStep} reads
 * it once 0.5 runs.
 *
 * @param takenAt       when it was read
 * @param runId         the run that read it
 * @param directory     the folder of its files (absolute)
 * @param projects      the projects of the access-information database, admin first
 * @param allSeriesFile the file of every mapped series (sorted identifier file, relative to {@code directory})
 * @param allSeries     how many series are mapped
 * @param findings      what the databases show on their own
 */
public record ConsistencySnapshot(Instant takenAt, String runId, String directory, List<Project> projects,
                                  String allSeriesFile, long allSeries, List<ConsistencyReport.Finding> findings) {

    /** The context key. */
    public static final ContextKey<ConsistencySnapshot> KEY = ContextKey.of("kaapana.consistency-snapshot",
            ConsistencySnapshot.class);

    /**
     * One project as the databases show it.
     *
     * @param id          its UUID
     * @param name        its name
     * @param bucket      its bucket ({@code s3_bucket}, else {@code project-<name>})
     * @param index       its index ({@code opensearch_index}, else {@code project_<name>})
     * @param admin       whether it is the admin project ({@code admin_project})
     * @param seriesFile  the file of the series mapped to it (relative to the snapshot's directory)
     * @param series      how many series are mapped to it
     * @param membersFile the file of the distinct series of its datasets
     * @param members     how many
     * @param datasets    its datasets
     * @param workflows   its workflows
     */
    public record Project(String id, String name, String bucket, String index, boolean admin, String seriesFile,
                          long series, String membersFile, long members, long datasets, long workflows) {
    }

    /**
     * Copies the lists.
     *
     * @param takenAt       when
     * @param runId         the run
     * @param directory     the folder
     * @param projects      the projects
     * @param allSeriesFile the file of every mapped series
     * @param allSeries     how many
     * @param findings      the findings
     */
    public ConsistencySnapshot {
        Objects.requireNonNull(takenAt, "takenAt");
        Objects.requireNonNull(directory, "directory");
        projects = List.copyOf(projects);
        findings = List.copyOf(findings);
    }
}
