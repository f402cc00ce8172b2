package dev.kaapanamigrate.postgres.internal;

import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.CrashPoints;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepFailedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;

/**
 * Rewrites the kaapana-backend {@code job} table by rebuilding it: the table is the large one (a million rows, seven
 * indexes) and every 0.4 job needs its project form rewritten, so an in-place {@code UPDATE} writes a new version of
 * every row and an entry in every index for it (and as much WAL). A rebuild writes each row once and builds each index
 * once; on a temporary server ({@code wal_level=minimal}) the new table and its indexes skip the WAL entirely.
 *
 * <p>Only for the exact 0.5.2 {@code job} table, owned by the connected role, a plain logged heap table, with nothing a
 * rebuild would lose and nothing depending on it: no grants (table or column), triggers, rules, policies, row security,
 * storage parameters, column settings, comments (table, index, constraint), security labels, clustering, own
 * tablespaces, extended statistics, publications, inheritance, and no view, function, column or foreign key that uses
 * the table or its row type; and no job the recreated foreign keys would refuse ({@link #obstacles(Handle)}).
 * Anything else keeps the in-place update, which needs no knowledge of the table's definition.
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

    /** The new table a rebuild fills before it takes the old one's name. */
    static final String NEW_TABLE = "job_05";

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
     * @param h the handle
     * @return the obstacles, empty when the table can be rebuilt
     */
    public static List<String> obstacles(Handle h) {
        return obstacles(h, -1);
    }

    /**
     * As {@link #obstacles(Handle)}, with the jobs the recreated foreign keys would refuse counted already (by the
     * counting scan, {@link BackendReferenceSql#countJobs}).
     *
     * @param h       the handle
     * @param orphans the jobs whose site or workflow no longer exists, or -1 to count them here
     * @return the obstacles, empty when the table can be rebuilt
     */
    public static List<String> obstacles(Handle h, long orphans) {
        List<String> found = new ArrayList<>();
        Set<String> relations = Set.of("job", "job_id_seq");
        List<String> differences = Catalogue.read(h).only(relations)
                .differencesFrom(Catalogue.expected("0.5.2", "backend").only(relations));
        if (!differences.isEmpty()) {
            found.add("the job table differs from 0.5.2: " + Catalogue.describe(differences, 5));
        }
        found.addAll(h.createQuery("SELECT 'owned by ' || pg_get_userbyid(relowner) || ', not by the connected role' "
                + "FROM pg_class WHERE oid = 'job'::regclass AND relowner <> (SELECT oid FROM pg_roles WHERE rolname = "
                + "current_user) "
                + "UNION ALL SELECT 'has grants' FROM pg_class WHERE oid = 'job'::regclass AND relacl IS NOT NULL "
                + "UNION ALL SELECT 'has column grants on ' || attname FROM pg_attribute WHERE attrelid = 'job'::regclass "
                + "AND attacl IS NOT NULL "
                + "UNION ALL SELECT 'has row security' FROM pg_class WHERE oid = 'job'::regclass "
                + "AND (relrowsecurity OR relforcerowsecurity) "
                + "UNION ALL SELECT 'is not a plain logged heap table in the default tablespace with default replica "
                + "identity' FROM pg_class WHERE oid = 'job'::regclass AND (reltablespace <> 0 OR relpersistence <> 'p' "
                + "OR relreplident <> 'd' OR relam <> (SELECT oid FROM pg_am WHERE amname = 'heap')) "
                + "UNION ALL SELECT 'has trigger ' || tgname FROM pg_trigger WHERE tgrelid = 'job'::regclass AND NOT tgisinternal "
                + "UNION ALL SELECT 'has rule ' || rulename FROM pg_rules WHERE schemaname = 'public' AND tablename = 'job' "
                // Whatever else refers to the table or its row type: views, foreign keys of other tables, functions
                // returning SETOF job, columns of type job. DROP TABLE would fail on them, or take them along.
                + "UNION ALL SELECT DISTINCT 'is used by ' || pg_describe_object(d.classid, d.objid, d.objsubid) "
                + "FROM pg_depend d WHERE d.deptype = 'n' AND ((d.refclassid = 'pg_class'::regclass "
                + "AND d.refobjid = 'job'::regclass) OR (d.refclassid = 'pg_type'::regclass AND d.refobjid = "
                + "(SELECT reltype FROM pg_class WHERE oid = 'job'::regclass))) "
                + "AND NOT (d.classid = 'pg_class'::regclass AND d.objid = 'job'::regclass) "
                + "UNION ALL SELECT 'has policy ' || polname FROM pg_policy WHERE polrelid = 'job'::regclass "
                + "UNION ALL SELECT 'has storage parameters ' || array_to_string(reloptions, ',') FROM pg_class "
                + "WHERE oid = 'job'::regclass AND reloptions IS NOT NULL "
                + "UNION ALL SELECT 'has TOAST storage parameters ' || array_to_string(t.reloptions, ',') FROM pg_class j "
                + "JOIN pg_class t ON t.oid = j.reltoastrelid WHERE j.oid = 'job'::regclass AND t.reloptions IS NOT NULL "
                + "UNION ALL SELECT 'has column settings on ' || attname FROM pg_attribute WHERE attrelid = 'job'::regclass "
                + "AND attnum > 0 AND NOT attisdropped AND (coalesce(attstattarget, -1) <> -1 OR attoptions IS NOT NULL) "
                + "UNION ALL SELECT DISTINCT 'has comments' FROM pg_description WHERE objoid = 'job'::regclass "
                + "OR objoid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'job'::regclass) "
                + "OR objoid IN (SELECT oid FROM pg_constraint WHERE conrelid = 'job'::regclass) "
                + "UNION ALL SELECT DISTINCT 'has security labels' FROM pg_seclabel WHERE objoid = 'job'::regclass "
                + "UNION ALL SELECT 'is clustered on ' || indexrelid::regclass FROM pg_index WHERE indrelid = 'job'::regclass "
                + "AND indisclustered "
                + "UNION ALL SELECT 'has index ' || i.relname || ' in a tablespace of its own' FROM pg_index x "
                + "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = 'job'::regclass AND i.reltablespace <> 0 "
                + "UNION ALL SELECT 'has extended statistics ' || stxname FROM pg_statistic_ext WHERE stxrelid = 'job'::regclass "
                + "UNION ALL SELECT 'is in publication ' || p.pubname FROM pg_publication_rel r "
                + "JOIN pg_publication p ON p.oid = r.prpubid WHERE r.prrelid = 'job'::regclass "
                + "UNION ALL SELECT 'inherits or is inherited' FROM pg_inherits WHERE inhrelid = 'job'::regclass "
                + "OR inhparent = 'job'::regclass").mapTo(String.class).list());
        if (found.isEmpty()) {
            // Rows the foreign keys would refuse when recreated (left by a restore with triggers off): in place, they
            // stay as they are; a rebuild would fail on them at its last statement.
            long refused = orphans >= 0 ? orphans : h.createQuery("SELECT count(*) FROM job j WHERE (j.kaapana_id IS "
                    + "NOT NULL AND NOT EXISTS (SELECT 1 FROM kaapana_instance k WHERE k.id = j.kaapana_id)) OR "
                    + "(j.workflow_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM workflow w WHERE "
                    + "w.workflow_id = j.workflow_id))").mapTo(long.class).one();
            if (refused > 0) {
                found.add("has " + refused + " job(s) whose site or workflow no longer exists");
            }
        }
        return found;
    }

    /**
     * The hash of a job's columns but {@code conf_data}, as SQL over a row alias: what the rebuild must copy unchanged.
     * The same expression digests the old table (in the scan that counts the jobs, {@code
     * BackendReferenceSql.countJobs}) and the new one (in the scan of the new table after the copy), so the two sums
     * compare.
     *
     * @param alias the row's alias or table name
     * @return a {@code bigint} expression
     */
    public static String unchangedRowHash(String alias) {
        return unchangedRowHash(alias, false);
    }

    /**
     * As {@link #unchangedRowHash(String)}, but with {@code renamedDagIds} the {@code dag_id} hashed is the one the
     * history rewrite ({@code UPDATE job SET dag_id = …}, run before the rebuild in the same transaction) leaves: the
     * new id where the named parameter {@code :renames} (old id → new id, jsonb) holds the old one. So a digest taken
     * before the renames compares with the rebuilt table's, and the single scan before any write still serves both.
     *
     * @param alias         the row's alias or table name
     * @param renamedDagIds whether to hash {@code dag_id} as renamed by {@code :renames}
     * @return a {@code bigint} expression
     */
    public static String unchangedRowHash(String alias, boolean renamedDagIds) {
        StringBuilder row = new StringBuilder();
        for (String column : UNCHANGED_COLUMNS.split(", ")) {
            String value = alias + '.' + column;
            if (renamedDagIds && column.equals("dag_id")) {
                // The column's own type: the record hash is taken per column type, as in the scan of the new table.
                value = "coalesce(:renames::jsonb ->> " + value + ", " + value + ")::character varying";
            }
            row.append(row.length() == 0 ? "" : ", ").append(value);
        }
        return "hash_record_extended(ROW(" + row + "), 0)";
    }

    /**
     * The rows and digest of {@code job} over every column but {@code conf_data}, alone: what a rebuild compares its
     * copy with, when the counts of the same scan are known already (a check's, under a {@link ReadFence}).
     *
     * @param h             the handle, in the rewrite's transaction, under its lock
     * @param renamedDagIds whether to hash {@code dag_id} as renamed by {@code renames} ({@link #unchangedRowHash(String,
     *                      boolean)})
     * @param renames       old id → new id (used only with {@code renamedDagIds})
     * @return rows and digest
     */
    public static TableDigests.TableDigest unchangedDigest(Handle h, boolean renamedDagIds, Map<String, String> renames) {
        var query = h.createQuery("SELECT count(*), coalesce(sum(" + unchangedRowHash("j", renamedDagIds)
                + "), 0)::text FROM job j");
        if (renamedDagIds) {
            query.bind("renames", BackendReferenceSql.json(renames));
        }
        return query.map((rs, ctx) -> new TableDigests.TableDigest(rs.getLong(1), rs.getString(2))).one();
    }

    /**
     * Rebuilds {@code job} with {@code conf_data} replaced by an expression over the old row {@code j}. One scan of the
     * new table, the caller's, digests the rows written (the old table is not read again): before the old table is
     * dropped, the new one must hold as many rows and, over every column but {@code conf_data}, the digest the caller
     * took of the old one in this transaction (with {@code dag_id} as the history rewrite's renames before the copy
     * leave it, {@link #unchangedRowHash(String, boolean)}), under a lock that kept writers out since; otherwise the step
     * fails and the transaction's rollback leaves the old table. The same scan counts what the caller proves after the
     * rewrite, so the caller needs no scan of the job table after it.
     *
     * @param h             the handle, in the rewrite's transaction
     * @param confDataOfJob the new {@code conf_data} of a row of {@code job j}
     * @param params        the expression's named parameters
     * @param before        rows and digest ({@link #unchangedRowHash(String)}) of the old table
     * @param scanOfNew     the caller's scan of the new table, given its name (written just now, so in memory), with the
     *                      rows and digest ({@link #unchangedRowHash(String)}) compared here
     * @return what the scan of the new table found
     */
    static BackendReferenceSql.JobCounts rebuild(Handle h, String confDataOfJob, Map<String, ?> params,
                                                 TableDigests.TableDigest before,
                                                 Function<String, BackendReferenceSql.JobCounts> scanOfNew) {
        Sql.executeAll(h, "LOCK TABLE job IN ACCESS EXCLUSIVE MODE",
                "CREATE TABLE " + NEW_TABLE + " (LIKE job INCLUDING DEFAULTS INCLUDING STORAGE INCLUDING COMPRESSION)");
        h.createUpdate("INSERT INTO " + NEW_TABLE + " (" + COLUMNS + ") SELECT j.id, j.dag_id, j.external_job_id, "
                + "j.owner_kaapana_instance_name, " + confDataOfJob + ", j.status, j.run_id, j.description, j.username, "
                + "j.time_created, j.time_updated, j.automatic_execution, j.service_job, j.kaapana_id, j.workflow_id "
                + "FROM job j").bindMap(params).execute();
        // A scan of the new table (written just now, so in memory) costs less than a RETURNING list of the same
        // expressions: that kept every row in a tuple store to aggregate it afterwards (3.3 s against about 1 s on the
        // issue's 1M jobs).
        BackendReferenceSql.JobCounts found = scanOfNew.apply(NEW_TABLE);
        TableDigests.TableDigest after = found.unchangedDigest();
        if (!before.equals(after)) {
            throw new StepFailedException(Problem.of(CoreErrorCode.STEP_FAILED, "the rebuilt job table differs from the old one "
                    + "outside conf_data (" + after + " against " + before + ")",
                    "every job copied, unchanged but for conf_data", "nothing was changed (the transaction was rolled "
                    + "back); report this as a bug"));
        }
        CrashPoints.reach("postgres.backend.job-table-rebuild:copied");
        Sql.executeAll(h,
                "ALTER SEQUENCE job_id_seq OWNED BY NONE", // else dropping the old table drops the sequence
                "DROP TABLE job",
                "ALTER TABLE " + NEW_TABLE + " RENAME TO job",
                "ALTER SEQUENCE job_id_seq OWNED BY job.id",
                "ALTER TABLE job ADD CONSTRAINT job_pkey PRIMARY KEY (id)",
                "CREATE INDEX ix_job_automatic_execution ON job USING btree (automatic_execution)",
                "CREATE INDEX ix_job_description ON job USING btree (description)",
                "CREATE INDEX ix_job_run_id ON job USING btree (run_id)",
                "CREATE INDEX ix_job_service_job ON job USING btree (service_job)",
                "CREATE INDEX ix_job_status ON job USING btree (status)",
                "CREATE UNIQUE INDEX ix_kaapana_id_workflow_id_external_job_id ON job USING btree "
                        + "(kaapana_id, workflow_id, external_job_id) WHERE (external_job_id IS NOT NULL)",
                "ALTER TABLE job ADD CONSTRAINT job_kaapana_id_fkey FOREIGN KEY (kaapana_id) REFERENCES kaapana_instance(id)",
                "ALTER TABLE job ADD CONSTRAINT job_workflow_id_fkey FOREIGN KEY (workflow_id) "
                        + "REFERENCES workflow(workflow_id)");
        return found;
    }
}
