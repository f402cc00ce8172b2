package dev.kaapanamigrate.postgres.internal;

import dev.kaapanamigrate.core.ErrorCode;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepFailedException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites the kaapana-backend {@code job} table by rebuilding it: the table is the large one (a million rows, seven
 * indexes) and every 0.4 job needs its project form rewritten, so an in-place {@code UPDATE} writes a new version of
 * every row and an entry in every index for it (and as much WAL). A rebuild writes each row once and builds each index
 * once; on a temporary server ({@code wal_level=minimal}) the new table and its indexes skip the WAL entirely.
 *
 * <p>Only for the exact 0.5.2 {@code job} table, owned by the connected role, with nothing a rebuild would lose: no
 * grants, triggers, rules, views, policies, row security, storage parameters, column settings, comments, extended
 * statistics, publications, inheritance or foreign keys pointing at it ({@link #obstacles(Connection)}); anything else
 * keeps the in-place update, which needs no knowledge of the table's definition.
 */
public final class JobTableRebuild {

    /** Rebuild when at least this share of the jobs change; fewer are updated in place (touching only those). */
    public static final double REBUILD_SHARE = 0.25;

    private static final String COLUMNS = "id, dag_id, external_job_id, owner_kaapana_instance_name, conf_data, status, "
            + "run_id, description, username, time_created, time_updated, automatic_execution, service_job, kaapana_id, "
            + "workflow_id";

    /** Every column but {@code conf_data}: what the rebuild must copy unchanged, compared before the swap. */
    private static final String UNCHANGED_COLUMNS = "id, dag_id, external_job_id, owner_kaapana_instance_name, status, "
            + "run_id, description, username, time_created, time_updated, automatic_execution, service_job, kaapana_id, "
            + "workflow_id";

    private JobTableRebuild() {
    }

    /**
     * Whether a rewrite of {@code rows} of {@code jobs} jobs is done by a rebuild.
     *
     * @param rows the jobs to rewrite
     * @param jobs all jobs
     * @return whether at least {@link #REBUILD_SHARE} of them change
     */
    public static boolean worthIt(long rows, long jobs) {
        return rows > 0 && rows >= REBUILD_SHARE * jobs;
    }

    /**
     * What keeps the rebuild from reproducing the table exactly: a definition other than 0.5.2's, another owner than
     * the connected role, or anything attached to the table that a new table would not have.
     *
     * @param c the connection
     * @return the obstacles, empty when the table can be rebuilt
     * @throws SQLException on failure
     */
    public static List<String> obstacles(Connection c) throws SQLException {
        List<String> found = new ArrayList<>();
        Set<String> relations = Set.of("job", "job_id_seq");
        List<String> differences = Catalogue.read(c).only(relations)
                .differencesFrom(Catalogue.expected("0.5.2", "backend").only(relations));
        if (!differences.isEmpty()) {
            found.add("the job table differs from 0.5.2: " + Catalogue.describe(differences, 5));
        }
        found.addAll(Jdbc.query(c, "SELECT 'owned by ' || pg_get_userbyid(relowner) || ', not by the connected role' "
                + "FROM pg_class WHERE oid = 'job'::regclass AND relowner <> (SELECT oid FROM pg_roles WHERE rolname = "
                + "current_user) "
                + "UNION ALL SELECT 'has grants' FROM pg_class WHERE oid = 'job'::regclass AND relacl IS NOT NULL "
                + "UNION ALL SELECT 'has row security' FROM pg_class WHERE oid = 'job'::regclass "
                + "AND (relrowsecurity OR relforcerowsecurity) "
                + "UNION ALL SELECT 'has trigger ' || tgname FROM pg_trigger WHERE tgrelid = 'job'::regclass AND NOT tgisinternal "
                + "UNION ALL SELECT 'has rule ' || rulename FROM pg_rules WHERE schemaname = 'public' AND tablename = 'job' "
                + "UNION ALL SELECT DISTINCT 'is used by view ' || r.ev_class::regclass FROM pg_depend d "
                + "JOIN pg_rewrite r ON r.oid = d.objid WHERE d.classid = 'pg_rewrite'::regclass "
                + "AND d.refobjid = 'job'::regclass AND r.ev_class <> 'job'::regclass "
                + "UNION ALL SELECT 'is referenced by foreign key ' || conname FROM pg_constraint "
                + "WHERE confrelid = 'job'::regclass AND contype = 'f' "
                + "UNION ALL SELECT 'has policy ' || polname FROM pg_policy WHERE polrelid = 'job'::regclass "
                + "UNION ALL SELECT 'has storage parameters ' || array_to_string(reloptions, ',') FROM pg_class "
                + "WHERE oid = 'job'::regclass AND reloptions IS NOT NULL "
                + "UNION ALL SELECT 'has column settings on ' || attname FROM pg_attribute WHERE attrelid = 'job'::regclass "
                + "AND attnum > 0 AND NOT attisdropped AND (coalesce(attstattarget, -1) <> -1 OR attoptions IS NOT NULL) "
                + "UNION ALL SELECT DISTINCT 'has comments' FROM pg_description WHERE objoid = 'job'::regclass "
                + "UNION ALL SELECT 'has extended statistics ' || stxname FROM pg_statistic_ext WHERE stxrelid = 'job'::regclass "
                + "UNION ALL SELECT 'is in publication ' || p.pubname FROM pg_publication_rel r "
                + "JOIN pg_publication p ON p.oid = r.prpubid WHERE r.prrelid = 'job'::regclass "
                + "UNION ALL SELECT 'inherits or is inherited' FROM pg_inherits WHERE inhrelid = 'job'::regclass "
                + "OR inhparent = 'job'::regclass", rs -> rs.getString(1)));
        return found;
    }

    /**
     * Rebuilds {@code job} with {@code conf_data} replaced by an expression over the old row {@code j}. Before the old
     * table is dropped, the new one must hold as many rows and, over every column but {@code conf_data}, the same
     * digest; otherwise the step fails and the transaction's rollback leaves the old table.
     *
     * @param c              the connection, in the rewrite's transaction
     * @param confDataOfJob  the new {@code conf_data} of a row of {@code job j}
     * @param params         the expression's parameters
     * @return the rows copied
     * @throws SQLException on failure
     */
    static long rebuild(Connection c, String confDataOfJob, Object... params) throws SQLException {
        Jdbc.executeAll(c, "LOCK TABLE job IN ACCESS EXCLUSIVE MODE",
                "CREATE TABLE job_05 (LIKE job INCLUDING DEFAULTS INCLUDING STORAGE INCLUDING COMPRESSION)");
        long copied = Jdbc.execute(c, "INSERT INTO job_05 (" + COLUMNS + ") SELECT j.id, j.dag_id, j.external_job_id, "
                + "j.owner_kaapana_instance_name, " + confDataOfJob + ", j.status, j.run_id, j.description, j.username, "
                + "j.time_created, j.time_updated, j.automatic_execution, j.service_job, j.kaapana_id, j.workflow_id "
                + "FROM job j", params);
        TableDigests.TableDigest before = TableDigests.compute(c, Map.of("job", "SELECT " + UNCHANGED_COLUMNS + " FROM job"),
                table -> { }).tables().get("job");
        TableDigests.TableDigest after = TableDigests.compute(c, Map.of("job", "SELECT " + UNCHANGED_COLUMNS
                + " FROM job_05"), table -> { }).tables().get("job");
        if (!before.equals(after)) {
            throw new StepFailedException(Problem.of(ErrorCode.STEP_FAILED, "the rebuilt job table differs from the old one "
                    + "outside conf_data (" + after + " against " + before + ")",
                    "every job copied, unchanged but for conf_data", "nothing was changed (the transaction was rolled "
                    + "back); report this as a bug"));
        }
        Jdbc.executeAll(c,
                "ALTER SEQUENCE job_id_seq OWNED BY NONE", // else dropping the old table drops the sequence
                "DROP TABLE job",
                "ALTER TABLE job_05 RENAME TO job",
                "ALTER SEQUENCE job_id_seq OWNED BY job.id",
                "ALTER TABLE job ADD CONSTRAINT job_pkey PRIMARY KEY (id)",
                "CREATE INDEX ix_job_automatic_execution ON job USING btree (automatic_execution)",
                "CREATE INDEX ix_job_description ON job USING btree (description)",
                "CREATE INDEX ix_job_run_id ON job USING btree (run_id)",
                "CREATE INDEX ix_job_service_job ON job USING btree (service_job)",
                "CREATE INDEX ix_job_status ON job USING btree (status)",
                "CREATE UNIQUE INDEX ix_kaapana_id_workflow_id_external_job_id ON job USING btree "
                        + "(kaapana_id, workflow_id, external_job_id) WHERE (external_job_id IS NOT NULL)",
                "ANALYZE job",
                "ALTER TABLE job ADD CONSTRAINT job_kaapana_id_fkey FOREIGN KEY (kaapana_id) REFERENCES kaapana_instance(id)",
                "ALTER TABLE job ADD CONSTRAINT job_workflow_id_fkey FOREIGN KEY (workflow_id) "
                        + "REFERENCES workflow(workflow_id)");
        return copied;
    }
}
