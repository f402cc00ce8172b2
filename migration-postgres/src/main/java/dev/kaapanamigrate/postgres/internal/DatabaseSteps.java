package dev.kaapanamigrate.postgres.internal;

import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.domain.Project;
import dev.kaapanamigrate.domain.ProjectList;
import dev.kaapanamigrate.domain.ServiceDatabase;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the three database migration steps share: refusals, the alembic head, and the verification facts. */
public final class DatabaseSteps {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseSteps.class);

    /** How many catalogue differences a problem lists before it says how many more there are. */
    private static final int SHOWN_DIFFERENCES = 40;

    private DatabaseSteps() {
    }

    /**
     * The problem of a database in a state the migration does not handle; nothing was changed.
     *
     * @param db    the database
     * @param state its state
     * @return the problem
     */
    public static Problem blocked(ServiceDatabase db, SchemaState state) {
        boolean atHead = db.targetRevision().equals(state.revision());
        String found = "the " + db.stableName() + " database has " + state.description()
                + (state.differences().isEmpty() ? "" : ": " + Catalogue.describe(state.differences(), SHOWN_DIFFERENCES))
                + "; nothing was changed";
        String expected = atHead ? "exactly the 0.5.2 schema at revision " + db.targetRevision()
                : "the 0.4.2 schema (without alembic_version or with an empty one, with upstream's initial revision, or for "
                + "the backend its "
                + "random 0.4 revision), or the 0.5.2 schema at revision " + db.targetRevision();
        String fix = state.fix() != null
                ? "in the " + db.database() + " database (as " + db.superuser() + "): " + state.fix()
                : state.differences().isEmpty()
                ? "restore the database from the 0.4 backup, or set alembic_version to the revision its tables really have"
                : "the tables differ from the released schema (schema drift, for example an installation that came from "
                + "0.3.x); bring them to the " + (atHead ? "0.5.2" : "0.4.2") + " schema by hand (the differences are "
                + "listed) or restore the database from a backup, then run again";
        return Problem.of(CoreErrorCode.PRECONDITION_FAILED, found, expected, fix);
    }

    /**
     * Takes the baseline digests in the migration's transaction, before any change, reporting each table.
     *
     * @param h       the handle, in the migration's transaction
     * @param ctx     where progress goes
     * @param queries per table: the query of its business columns with the documented rewrites applied
     * @return the digests
     */
    public static TableDigests baseline(Handle h, MigrationContext ctx, Map<String, String> queries) {
        TableProgress progress = new TableProgress(ctx, "tables in the baseline", List.copyOf(queries.keySet()));
        return TableDigests.compute(h, queries, progress::finished).takenBy(ctx.runId());
    }

    /**
     * Adds the fact that no row of a table names a project outside the project list (when the context holds one).
     *
     * @param h        the handle
     * @param projects the project list, if known
     * @param v        the facts so far
     * @param table    a table with a {@code project_id uuid} column
     * @param rows     what its rows are called in the fact
     */
    public static void expectListedProjects(Handle h, Optional<ProjectList> projects, Verification.Builder v,
                                            String table, String rows) {
        if (projects.isPresent()) {
            v.expect(rows + " whose project is not in the project list", 0L,
                    h.createQuery("SELECT count(*) FROM " + table + " WHERE project_id <> ALL (?::uuid[])")
                            .bindArray(0, UUID.class, projects.get().projects().stream().map(Project::id).toList())
                            .mapTo(long.class).one());
        }
    }

    /**
     * Creates the transaction's temporary table {@code project_map (old_id integer, new_id uuid)} from the project list:
     * one statement, the two columns bound as arrays.
     *
     * @param h        the handle, in the migration's transaction
     * @param projects the projects
     */
    public static void createProjectMap(Handle h, ProjectList projects) {
        h.execute("CREATE TEMP TABLE project_map (old_id integer PRIMARY KEY, new_id uuid NOT NULL UNIQUE) ON COMMIT DROP");
        h.createUpdate("INSERT INTO project_map SELECT * FROM unnest(?::integer[], ?::uuid[])")
                .bindArray(0, Integer.class, projects.projects().stream().map(Project::oldId).toList())
                .bindArray(1, UUID.class, projects.projects().stream().map(Project::id).toList())
                .execute();
    }

    /**
     * Replaces {@code alembic_version} by the one a 0.5.2 service expects, holding the head revision.
     *
     * @param h  the handle, in the migration's transaction
     * @param db the database
     */
    public static void recordHead(Handle h, ServiceDatabase db) {
        Sql.executeAll(h, "DROP TABLE IF EXISTS alembic_version",
                "CREATE TABLE alembic_version (version_num character varying(32) NOT NULL, "
                        + "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))");
        h.execute("INSERT INTO alembic_version (version_num) VALUES (?)", db.targetRevision());
    }

    /**
     * Adds the facts: the catalogue equals the shipped 0.5.2 description, and {@code alembic_version} holds the head.
     *
     * @param h        the handle
     * @param db       the database
     * @param resource the resource name ({@code aii}, {@code dwf}, {@code backend})
     * @param v        the facts so far
     */
    public static void verifySchema(Handle h, ServiceDatabase db, String resource, Verification.Builder v) {
        Catalogue expected = Catalogue.expected("0.5.2", resource);
        Catalogue actual = Catalogue.read(h);
        List<String> differences = actual.differencesFrom(expected);
        v.fact("schema of " + db.stableName(), "the 0.5.2 schema (" + expected.lines().size() + " catalogue entries)",
                differences.isEmpty() ? "the 0.5.2 schema" : Catalogue.describe(differences, SHOWN_DIFFERENCES),
                differences.isEmpty());
        List<String> revisions = actual.hasTable(Catalogue.ALEMBIC_TABLE)
                ? h.createQuery("SELECT version_num FROM alembic_version").mapTo(String.class).list() : List.of();
        v.expect("alembic_version of " + db.stableName(), List.of(db.targetRevision()), revisions);
    }

    /**
     * Adds one fact per table: rows and digest now equal the baseline taken before the change. Without a baseline
     * (the step found the database migrated and no journal of the run that migrated it) only the schema is proved.
     *
     * @param h        the handle
     * @param baseline the journaled baseline, if any
     * @param after    per table: the query of its business columns in 0.5.2
     * @param db       the database
     * @param v        the facts so far
     */
    public static void verifyDigests(Handle h, Optional<TableDigests> baseline, Map<String, String> after,
                                     ServiceDatabase db, Verification.Builder v) {
        verifyDigests(h, baseline, after, db, v, null, java.util.Set.of());
    }

    /**
     * As {@link #verifyDigests(Handle, Optional, Map, ServiceDatabase, Verification.Builder)}, but the tables that
     * later steps of a plan may change in their documented way are compared only in the run that took the baseline
     * (right after the migration, before those steps); a later verify-only pass proves the other tables, and of those
     * the rows (the later steps rewrite values, never add or remove rows).
     *
     * @param h          the handle
     * @param baseline   the journaled baseline, if any
     * @param after      per table: the query of its business columns in 0.5.2
     * @param db         the database
     * @param v          the facts so far
     * @param ctx        the context of this verification
     * @param laterSteps the tables later steps may change
     */
    public static void verifyDigests(Handle h, Optional<TableDigests> baseline, Map<String, String> after,
                                     ServiceDatabase db, Verification.Builder v, MigrationContext ctx,
                                     java.util.Set<String> laterSteps) {
        verifyDigests(h, baseline, after, db, v, ctx, laterSteps, null);
    }

    /** How a verification's fact is named when its figure was counted by the migration with a table's digest. */
    public static final String COUNTED_WITH_DIGEST = " (counted by this run's migration with the table's digest, "
            + "nothing written since)";

    /**
     * The fence this step's apply took in this process, if it still holds now (asked once per verification).
     *
     * @param h     the handle, in the verification's transaction
     * @param fence the fence, or {@code null}
     * @param ctx   the context of this verification
     * @return {@code fence} when it holds, else {@code null}
     */
    public static QuietFence holding(Handle h, QuietFence fence, MigrationContext ctx) {
        return fence != null && fence.holds(h, ctx.runId()) ? fence : null;
    }

    /**
     * As {@link #verifyDigests(Handle, Optional, Map, ServiceDatabase, Verification.Builder, MigrationContext,
     * java.util.Set)}, but the tables a {@link QuietFence} of this run's migration vouches for are not read again when
     * the fence still holds: their digests now are the baseline's (a fact says so and why).
     *
     * @param h          the handle
     * @param baseline   the journaled baseline, if any
     * @param after      per table: the query of its business columns in 0.5.2
     * @param db         the database
     * @param v          the facts so far
     * @param ctx        the context of this verification
     * @param laterSteps the tables later steps may change
     * @param fence      the fence this step's apply took in this process, found holding in this transaction
     *                   ({@link #holding}), or {@code null}
     */
    public static void verifyDigests(Handle h, Optional<TableDigests> baseline, Map<String, String> after,
                                     ServiceDatabase db, Verification.Builder v, MigrationContext ctx,
                                     java.util.Set<String> laterSteps, QuietFence fence) {
        if (baseline.isEmpty()) {
            LOG.info("No baseline of the {} database in the context (migrated by an earlier run without journal): "
                    + "verifying its schema only", db.stableName());
            return;
        }
        boolean sameRun = ctx != null && ctx.runId().equals(baseline.get().runId());
        java.util.Set<String> quiet = sameRun && fence != null ? fence.tables() : java.util.Set.of();
        if (!quiet.isEmpty()) {
            java.util.Set<String> untouched = new java.util.TreeSet<>(quiet);
            untouched.removeAll(fence.rebuilt());
            String horizon = "the server's transaction horizon is still the one the migration's commit left ("
                    + fence.horizon().xmax() + ")";
            if (!untouched.isEmpty()) {
                v.fact("tables of " + db.stableName() + " the migration did not write, unchanged since its baseline: "
                        + String.join(", ", untouched), "no row written by the migration's transaction "
                        + "and no transaction completed on the server since it committed",
                        "none: its own counters (track_counts on) showed no write of them, neither a rewrite nor a "
                        + "column change, and " + horizon, true);
            }
            if (!fence.rebuilt().isEmpty()) {
                v.fact("tables of " + db.stableName() + " the migration rebuilt, unchanged since their digest after "
                        + "the copy: " + String.join(", ", new java.util.TreeSet<>(fence.rebuilt())),
                        "no row written after the copy by the migration's transaction and no transaction completed on "
                        + "the server since it committed", "none: its own counters (track_counts on) showed the "
                        + "copy's rows inserted and nothing else written, neither a rewrite nor a column change after "
                        + "the digest, and " + horizon, true);
            }
            LOG.info("Verifying {} without reading {} again: nothing wrote them since the migration digested them",
                    db.stableName(), quiet);
        }
        Map<String, String> compared = new java.util.LinkedHashMap<>();
        // The tables a later step rewrites in its documented way keep their rows: those are still counted.
        Map<String, String> countedOnly = new java.util.LinkedHashMap<>();
        after.forEach((table, query) -> {
            if (quiet.contains(table)) {
                return;
            }
            if (sameRun || !laterSteps.contains(table)) {
                compared.put(table, query);
            } else {
                countedOnly.put(table, TableDigests.rowsOnly(table)); // only its rows are compared
            }
        });
        TableDigests now = TableDigests.compute(h, compared, table -> { });
        TableDigests counted = countedOnly.isEmpty() ? null : TableDigests.compute(h, countedOnly, table -> { });
        for (Map.Entry<String, TableDigests.TableDigest> e : baseline.get().tables().entrySet()) {
            if (quiet.contains(e.getKey())) {
                v.againstBaseline("rows and digest of " + db.stableName() + "." + e.getKey(), e.getValue(), e.getValue());
            } else if (compared.containsKey(e.getKey())) {
                v.againstBaseline("rows and digest of " + db.stableName() + "." + e.getKey(), e.getValue(),
                        now.tables().get(e.getKey()));
            } else if (counted != null && countedOnly.containsKey(e.getKey())) {
                v.againstBaseline("rows of " + db.stableName() + "." + e.getKey() + " (its values are rewritten by a "
                        + "later step, so only its rows are compared after that)", e.getValue().rows(),
                        counted.tables().get(e.getKey()).rows());
            }
        }
    }
}
