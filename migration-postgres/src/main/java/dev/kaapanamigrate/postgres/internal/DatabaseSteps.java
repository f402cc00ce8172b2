package dev.kaapanamigrate.postgres.internal;

import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.domain.ServiceDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
                : "the 0.4.2 schema (without alembic_version, with upstream's initial revision, or for the backend its "
                + "random 0.4 revision), or the 0.5.2 schema at revision " + db.targetRevision();
        String fix = state.differences().isEmpty()
                ? "restore the database from the 0.4 backup, or set alembic_version to the revision its tables really have"
                : "the tables differ from the released schema (schema drift, for example an installation that came from "
                + "0.3.x); bring them to the " + (atHead ? "0.5.2" : "0.4.2") + " schema by hand (the differences are "
                + "listed) or restore the database from a backup, then run again";
        return Problem.of(CoreErrorCode.PRECONDITION_FAILED, found, expected, fix);
    }

    /**
     * Takes the baseline digests in the migration's transaction, before any change, reporting each table.
     *
     * @param c       the connection, in the migration's transaction
     * @param ctx     where progress goes
     * @param queries per table: the query of its business columns with the documented rewrites applied
     * @return the digests
     * @throws SQLException on failure
     */
    public static TableDigests baseline(Connection c, MigrationContext ctx, Map<String, String> queries) throws SQLException {
        TableProgress progress = new TableProgress(ctx, "tables in the baseline", List.copyOf(queries.keySet()));
        return TableDigests.compute(c, queries, progress::finished).takenBy(ctx.runId());
    }

    /**
     * Replaces {@code alembic_version} by the one a 0.5.2 service expects, holding the head revision.
     *
     * @param c  the connection, in the migration's transaction
     * @param db the database
     * @throws SQLException on failure
     */
    public static void recordHead(Connection c, ServiceDatabase db) throws SQLException {
        Jdbc.executeAll(c, "DROP TABLE IF EXISTS alembic_version",
                "CREATE TABLE alembic_version (version_num character varying(32) NOT NULL, "
                        + "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))");
        Jdbc.execute(c, "INSERT INTO alembic_version (version_num) VALUES (?)", db.targetRevision());
    }

    /**
     * Adds the facts: the catalogue equals the shipped 0.5.2 description, and {@code alembic_version} holds the head.
     *
     * @param c        the connection
     * @param db       the database
     * @param resource the resource name ({@code aii}, {@code dwf}, {@code backend})
     * @param v        the facts so far
     * @throws SQLException on failure
     */
    public static void verifySchema(Connection c, ServiceDatabase db, String resource, Verification.Builder v)
            throws SQLException {
        Catalogue expected = Catalogue.expected("0.5.2", resource);
        List<String> differences = Catalogue.read(c).differencesFrom(expected);
        v.fact("schema of " + db.stableName(), "the 0.5.2 schema (" + expected.lines().size() + " catalogue entries)",
                differences.isEmpty() ? "the 0.5.2 schema" : Catalogue.describe(differences, SHOWN_DIFFERENCES),
                differences.isEmpty());
        List<String> revisions = Jdbc.tableExists(c, Catalogue.ALEMBIC_TABLE)
                ? Jdbc.query(c, "SELECT version_num FROM alembic_version", rs -> rs.getString(1)) : List.of();
        v.expect("alembic_version of " + db.stableName(), List.of(db.targetRevision()), revisions);
    }

    /**
     * Adds one fact per table: rows and digest now equal the baseline taken before the change. Without a baseline
     * (the step found the database migrated and no journal of the run that migrated it) only the schema is proved.
     *
     * @param c        the connection
     * @param baseline the journaled baseline, if any
     * @param after    per table: the query of its business columns in 0.5.2
     * @param db       the database
     * @param v        the facts so far
     * @throws SQLException on failure
     */
    public static void verifyDigests(Connection c, Optional<TableDigests> baseline, Map<String, String> after,
                                     ServiceDatabase db, Verification.Builder v) throws SQLException {
        verifyDigests(c, baseline, after, db, v, null, java.util.Set.of());
    }

    /**
     * As {@link #verifyDigests(Connection, Optional, Map, ServiceDatabase, Verification.Builder)}, but the tables that
     * later steps of a plan may change in their documented way are compared only in the run that took the baseline
     * (right after the migration, before those steps); a later verify-only pass proves the other tables.
     *
     * @param c          the connection
     * @param baseline   the journaled baseline, if any
     * @param after      per table: the query of its business columns in 0.5.2
     * @param db         the database
     * @param v          the facts so far
     * @param ctx        the context of this verification
     * @param laterSteps the tables later steps may change
     * @throws SQLException on failure
     */
    public static void verifyDigests(Connection c, Optional<TableDigests> baseline, Map<String, String> after,
                                     ServiceDatabase db, Verification.Builder v, MigrationContext ctx,
                                     java.util.Set<String> laterSteps) throws SQLException {
        if (baseline.isEmpty()) {
            LOG.info("No baseline of the {} database in the context (migrated by an earlier run without journal): "
                    + "verifying its schema only", db.stableName());
            return;
        }
        boolean sameRun = ctx != null && ctx.runId().equals(baseline.get().runId());
        Map<String, String> compared = new java.util.LinkedHashMap<>();
        after.forEach((table, query) -> {
            if (sameRun || !laterSteps.contains(table)) {
                compared.put(table, query);
            }
        });
        TableDigests now = TableDigests.compute(c, compared, table -> { });
        for (Map.Entry<String, TableDigests.TableDigest> e : baseline.get().tables().entrySet()) {
            if (!compared.containsKey(e.getKey())) {
                continue;
            }
            v.againstBaseline("rows and digest of " + db.stableName() + "." + e.getKey(), e.getValue(),
                    now.tables().get(e.getKey()));
        }
    }
}
