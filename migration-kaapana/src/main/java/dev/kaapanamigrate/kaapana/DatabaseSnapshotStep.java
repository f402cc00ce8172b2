package dev.kaapanamigrate.kaapana;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.kaapana.internal.DatabaseSide;
import dev.kaapanamigrate.kaapana.internal.IdFile;
import dev.kaapanamigrate.postgres.DatabaseConnections;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code kaapana.consistency-snapshot} (undeployed, read-only for the databases): reads the database side of the
 * consistency check from the migrated access-information, dicom-web-filter and kaapana-backend databases — the projects,
 * per project the series mapped to it and the series of its datasets, every mapped series — and saves it, sorted, in the
 * step's file area, with what the databases show on their own (mappings, datasets and workflows of projects that do not
 * exist, dataset members that are no identifier). The databases can be reached only while the platform is undeployed
 * (temporary servers), the stores only once 0.5 runs: {@link ConsistencyStep} joins this snapshot with them then
 * ({@link ConsistencySnapshot#KEY}).
 *
 * <p>Streams: rows are fetched in batches and written to compressed files of sorted identifiers (core
 * {@code RecordFile}s, about 20 bytes per series); memory stays flat whatever the number of series. Its verify proves the saved files complete (each read through and
 * counted); the inconsistencies themselves are judged by {@link ConsistencyStep}, so the deploy is never held up by them.
 *
 * <pre>{@code
 * builder.step(new DatabaseSnapshotStep(connections, ConsistencyOptions.defaults()), BackendReferencesStep.ID);
 * }</pre>
 */
public final class DatabaseSnapshotStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "kaapana.consistency-snapshot";

    private final DatabaseConnections connections;
    private final ConsistencyOptions options;

    /**
     * Creates the step.
     *
     * @param connections the database connections (temporary servers while undeployed, or the caller's own)
     * @param options     the options
     */
    public DatabaseSnapshotStep(DatabaseConnections connections, ConsistencyOptions options) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Read the series mappings, datasets and workflows of the migrated databases for the consistency check";
    }

    @Override
    public PlatformState requiredState() {
        return PlatformState.UNDEPLOYED;
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        Optional<ConsistencySnapshot> taken = ctx.get(ConsistencySnapshot.KEY);
        if (taken.isPresent() && missingFiles(taken.get()).isEmpty()) {
            return StepCheck.upToDate("read at " + taken.get().takenAt() + ": " + taken.get().projects().size()
                    + " projects, " + taken.get().allSeries() + " mapped series");
        }
        return StepCheck.pending(List.of(Change.of(Change.Kind.CREATE, "sorted series lists of the access-information, "
                + "dicom-web-filter and kaapana-backend databases in the step's file area", null,
                "per project: mapped series, dataset series, datasets, workflows", 1)));
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        ConsistencySnapshot s = DatabaseSide.read(connections, ctx, ctx.fileArea(), options);
        ctx.put(ConsistencySnapshot.KEY, s);
        return List.of(Change.of(Change.Kind.CREATE, "sorted series lists in " + s.directory(), null,
                s.projects().size() + " projects, " + s.allSeries() + " mapped series, " + s.findings().size()
                        + " kinds of inconsistency found in the databases", 1));
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        Optional<ConsistencySnapshot> taken = ctx.get(ConsistencySnapshot.KEY);
        Verification.Builder v = Verification.builder();
        if (taken.isEmpty()) {
            return v.notProven("the database side of the consistency check", "no snapshot was recorded (the journal of "
                    + "the run that read the databases is gone)").build();
        }
        ConsistencySnapshot s = taken.get();
        List<String> problems = new ArrayList<>(missingFiles(s));
        if (problems.isEmpty()) {
            Path dir = Path.of(s.directory());
            try {
                check(problems, dir.resolve(s.allSeriesFile()), s.allSeries());
                for (ConsistencySnapshot.Project p : s.projects()) {
                    check(problems, dir.resolve(p.seriesFile()), p.series());
                    check(problems, dir.resolve(p.membersFile()), p.members());
                }
            } catch (IOException e) {
                problems.add(e.getMessage());
            }
        }
        v.fact("series lists of the consistency snapshot in " + s.directory(), "every file complete, with the counts "
                + "recorded at " + s.takenAt(), problems.isEmpty() ? "complete: " + s.projects().size() + " projects, "
                + s.allSeries() + " mapped series" : String.join("; ", problems), problems.isEmpty());
        v.fact("found in the databases alone (judged once 0.5 runs by " + ConsistencyStep.ID + ")", "listed",
                s.findings().isEmpty() ? "nothing" : String.join("; ", s.findings().stream()
                        .map(ConsistencyReport.Finding::describe).toList()), true);
        return v.build();
    }

    private static void check(List<String> problems, Path file, long expected) throws IOException {
        long n = IdFile.count(file);
        if (n != expected) {
            problems.add(file + " holds " + n + " series, " + expected + " were recorded");
        }
    }

    static List<String> missingFiles(ConsistencySnapshot s) {
        Path dir = Path.of(s.directory());
        List<String> missing = new ArrayList<>();
        List<String> names = new ArrayList<>(List.of(s.allSeriesFile()));
        s.projects().forEach(p -> {
            names.add(p.seriesFile());
            names.add(p.membersFile());
        });
        for (String n : names) {
            if (!Files.isRegularFile(dir.resolve(n))) {
                missing.add(dir.resolve(n) + " is missing");
            }
        }
        return missing;
    }

    @Override
    public String toString() {
        return ID;
    }
}
