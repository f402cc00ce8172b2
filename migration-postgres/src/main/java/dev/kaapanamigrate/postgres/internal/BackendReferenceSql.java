package dev.kaapanamigrate.postgres.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * The set-based SQL of {@code postgres.rewrite-backend-references}: counting (check, verify) and rewriting
 * (apply) stored DAG ids and project ids in the kaapana-backend database. Every statement takes the rename
 * map or the project map as one jsonb parameter (a named parameter, {@code :renames}, {@code :forms} or
 * {@code :uuids}, wherever the statement uses it) and touches only rows that hold an old value.
 *
 * <p>pgjdbc reads {@code ?} as a parameter, so the jsonb key operators are written {@code ??} and {@code ??|}; JDBI
 * passes {@code ??} through as it is.
 */
public final class BackendReferenceSql {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The rename map as a relation, from one jsonb parameter {@code {"old id": "new id", ...}}. Used only for the
     * small configuration tables; the job and workflow statements look ids up in the jsonb map instead of joining
     * (a join with a function scan is estimated badly and became a nested loop over a materialised job table).
     */
    private static final String RENAMES = "jsonb_each_text(:renames::jsonb) AS m(old_id, new_id)";

    /** Where a stored DAG id lives. Every parameter of its statements is the rename map. */
    public enum Target {
        /** Keys of the jsonb object {@code kaapana_instance.allowed_dags} (configuration). */
        ALLOWED_DAGS("kaapana_instance.allowed_dags", true,
                "SELECT m.old_id, count(*), count(*) FILTER (WHERE k.allowed_dags ?? m.new_id) FROM kaapana_instance k "
                        + "JOIN " + RENAMES + " ON jsonb_typeof(k.allowed_dags) = 'object' AND k.allowed_dags ?? m.old_id "
                        + "GROUP BY m.old_id",
                // The old key becomes the new one (and a "dag_id" inside its value, which the backend stores there
                // too); when the object already has the new key, the old entry is dropped and the new one kept.
                "WITH m AS (SELECT * FROM " + RENAMES + ") "
                        + "UPDATE kaapana_instance k SET allowed_dags = ("
                        + " SELECT jsonb_object_agg(coalesce(m.new_id, e.key), CASE WHEN m.old_id IS NOT NULL"
                        + "  AND jsonb_typeof(e.value) = 'object' AND e.value->>'dag_id' = m.old_id"
                        + "  THEN jsonb_set(e.value, '{dag_id}', to_jsonb(m.new_id)) ELSE e.value END)"
                        + " FROM jsonb_each(k.allowed_dags) AS e(key, value) LEFT JOIN m ON m.old_id = e.key"
                        + " WHERE m.old_id IS NULL OR NOT k.allowed_dags ?? m.new_id) "
                        + "WHERE jsonb_typeof(k.allowed_dags) = 'object' AND k.allowed_dags ??| (SELECT array_agg(old_id) FROM m)"),
        /** Keys of the json object {@code settings.value} of rows with key {@code workflows} (configuration). */
        SETTINGS_WORKFLOWS("settings.value[key=workflows]", true,
                "SELECT m.old_id, count(*), count(*) FILTER (WHERE s.value::jsonb ?? m.new_id) FROM settings s "
                        + "JOIN " + RENAMES + " ON s.key = 'workflows' AND json_typeof(s.value) = 'object' "
                        + "AND s.value::jsonb ?? m.old_id GROUP BY m.old_id",
                // json (not jsonb) keeps the text as written: rebuild the object in its key order, values as they were.
                "WITH m AS (SELECT * FROM " + RENAMES + ") "
                        + "UPDATE settings s SET value = ("
                        + " SELECT json_object_agg(coalesce(m.new_id, e.key), e.value ORDER BY e.ord)"
                        + " FROM json_each(s.value) WITH ORDINALITY AS e(key, value, ord) LEFT JOIN m ON m.old_id = e.key"
                        + " WHERE m.old_id IS NULL OR NOT s.value::jsonb ?? m.new_id) "
                        + "WHERE s.key = 'workflows' AND json_typeof(s.value) = 'object' "
                        + "AND s.value::jsonb ??| (SELECT array_agg(old_id) FROM m)"),
        /** {@code job.dag_id} (history). */
        JOB_DAG_ID("job.dag_id", false,
                "SELECT j.dag_id, count(*), 0 FROM job j WHERE :renames::jsonb ?? j.dag_id GROUP BY 1",
                "UPDATE job j SET dag_id = :renames::jsonb ->> j.dag_id WHERE :renames::jsonb ?? j.dag_id"),
        /** {@code workflow.dag_id} (history). */
        WORKFLOW_DAG_ID("workflow.dag_id", false,
                "SELECT w.dag_id, count(*), 0 FROM workflow w WHERE :renames::jsonb ?? w.dag_id GROUP BY 1",
                "UPDATE workflow w SET dag_id = :renames::jsonb ->> w.dag_id WHERE :renames::jsonb ?? w.dag_id"),
        /** A top-level {@code dag_id} inside {@code job.conf_data}, where a job has one (history). */
        JOB_CONF_DAG_ID("job.conf_data.dag_id", false,
                "SELECT j.conf_data->>'dag_id', count(*), 0 FROM job j WHERE :renames::jsonb ?? (j.conf_data->>'dag_id') GROUP BY 1",
                "UPDATE job j SET conf_data = jsonb_set(j.conf_data, '{dag_id}', :renames::jsonb -> (j.conf_data->>'dag_id')) "
                        + "WHERE :renames::jsonb ?? (j.conf_data->>'dag_id')");

        private final String field;
        private final boolean configuration;
        private final String countSql;
        private final String rewriteSql;

        Target(String field, boolean configuration, String countSql, String rewriteSql) {
            this.field = field;
            this.configuration = configuration;
            this.countSql = countSql;
            this.rewriteSql = rewriteSql;
        }

        /**
         * The table and field, for reports.
         *
         * @return for example {@code job.dag_id}
         */
        public String field() {
            return field;
        }

        /**
         * Whether the target is in the {@code job} table, counted by {@link #countJobs(Handle, Map)}.
         *
         * @return {@code true} for the job targets
         */
        public boolean inJobTable() {
            return this == JOB_DAG_ID || this == JOB_CONF_DAG_ID;
        }

        /**
         * Whether this is configuration (rewritten by default) rather than history (rewritten on request).
         *
         * @return {@code true} for allowed DAGs and saved workflow settings
         */
        public boolean configuration() {
            return configuration;
        }
    }

    /**
     * How many rows of a target hold an old DAG id.
     *
     * @param target    where
     * @param oldId     the old id
     * @param newId     the new id
     * @param rows      rows that hold the old id
     * @param conflicts of those, rows whose object already has the new id as a key too (always 0 for plain columns)
     */
    public record RenameCount(Target target, String oldId, String newId, long rows, long conflicts) {
    }

    private BackendReferenceSql() {
    }

    /**
     * Takes locks that keep writers out until the transaction ends, so counts and rewrites agree.
     *
     * @param h the handle
     */
    public static void lockTables(Handle h) {
        h.execute("LOCK TABLE kaapana_instance, settings, job, workflow IN SHARE ROW EXCLUSIVE MODE");
    }

    /**
     * Counts the rows of a target that hold a renamed DAG id, per old id.
     *
     * @param h       the handle
     * @param target  where
     * @param renames old id → new id
     * @return one count per old id found, in the order of {@code renames}
     */
    public static List<RenameCount> count(Handle h, Target target, Map<String, String> renames) {
        Map<String, long[]> found = new LinkedHashMap<>();
        h.createQuery(target.countSql).bind("renames", json(renames))
                .map((rs, ctx) -> Map.entry(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)}))
                .forEach(e -> found.put(e.getKey(), e.getValue()));
        List<RenameCount> counts = new ArrayList<>();
        renames.forEach((oldId, newId) -> {
            long[] n = found.get(oldId);
            if (n != null) {
                counts.add(new RenameCount(target, oldId, newId, n[0], n[1]));
            }
        });
        return counts;
    }

    /**
     * Rewrites the renamed DAG ids of a target.
     *
     * @param h       the handle
     * @param target  where
     * @param renames old id → new id
     * @return the rows updated
     */
    public static long rewrite(Handle h, Target target, Map<String, String> renames) {
        return h.createUpdate(target.rewriteSql).bind("renames", json(renames)).executeLarge();
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value + " as JSON", e);
        }
    }

    /**
     * What one scan of {@code job} found: the rows holding a renamed DAG id ({@link Target#JOB_DAG_ID},
     * {@link Target#JOB_CONF_DAG_ID}), the integer project ids, all jobs, and on request the digest of every column
     * but {@code conf_data}.
     *
     * @param renames           counts per target and old id, in the order of the rename map
     * @param integerProjectIds jobs per integer {@code project_form.id} as stored, ordered by id
     * @param jobs              all jobs
     * @param unchangedDigest   the rows and digest of every column but {@code conf_data}
     *                          ({@link JobTableRebuild#unchangedRowHash(String)}), or {@code null} when not asked for
     * @param inconsistentForms jobs whose {@code project_form.int_id} names a project of the given list but whose
     *                          {@code id} is not its UUID (0 when no list was given)
     * @param orphans           jobs whose site ({@code kaapana_id}) or workflow no longer exists, or -1 when not
     *                          asked for
     */
    public record JobCounts(List<RenameCount> renames, Map<String, Long> integerProjectIds, long jobs,
                            TableDigests.TableDigest unchangedDigest, long inconsistentForms, long orphans) {
    }

    /**
     * One group of the job scan: {@code GROUPING(d, cd, p)} (which set: 7 the total, 3 per renamed {@code dag_id}, 5
     * per renamed {@code conf_data.dag_id}, 6 per integer project id; the value is {@code null} in the group of jobs
     * without one), how many jobs, their digest and how many have an inconsistent project form.
     */
    private record JobGroup(int grouping, String dagId, String confDagId, String projectId, long jobs, String digest,
                            long inconsistent, long orphans) {
    }

    private static void putIfPresent(Map<String, Long> counts, String value, long jobs) {
        if (value != null) {
            counts.put(value, jobs);
        }
    }

    /**
     * Counts, in one scan of a job table as 0.4 left it, the rows holding a renamed DAG id in {@code dag_id} or in
     * {@code conf_data.dag_id}, the jobs per integer {@code conf_data.project_form.id} (a JSON number or a string of
     * digits) and all jobs; with {@code digest}, in the same scan, the digest of every column but {@code conf_data}
     * (what a rebuild of the table must copy unchanged); with {@code orphans}, the jobs whose site or workflow no
     * longer exists (what the foreign keys a rebuild recreates would refuse). One scan instead of five: the job table is
     * the large one.
     *
     * <p>The scan is one aggregate grouped by the listed project a job's integer id names (a hash join with the
     * listed ids; every other job falls in the one group without a project), with a filtered count per renamed id: few
     * groups the planner can see, so it hashes them and may scan in parallel (by hand on the 1M jobs, 1.8–2.2 s
     * against 3.7–4.5 s for the grouping sets of {@link #countJobsGrouped} with two workers, 2.7–3.9 s against
     * 3.3–4.1 s without). Only where a job holds an integer id of no listed project (left as it is by design), or
     * without a project list, the grouping sets run to count those per id: a second scan, only then.
     *
     * @param h             the handle
     * @param table         the table to scan: {@code job}, or a rebuild's new table {@code job_05} before the swap
     * @param renames       old id → new id
     * @param digest        whether to digest the columns a rebuild copies unchanged
     * @param renamedDagIds whether that digest takes {@code dag_id} as the renames leave it (the history rewrite of
     *                      {@code job.dag_id} runs before the rebuild:
     *                      {@link JobTableRebuild#unchangedRowHash(String, boolean)})
     * @param projects      the listed projects: UUID by old integer id (empty without a project list)
     * @param orphans       whether to count the jobs whose site or workflow no longer exists
     * @return the counts, equal to {@link #countJobsGrouped}'s
     */
    public static JobCounts countJobs(Handle h, String table, Map<String, String> renames, boolean digest,
                                      boolean renamedDagIds, Map<Integer, UUID> projects, boolean orphans) {
        return oneAggregate(h, table, renames, digest, renamedDagIds, projects, false, orphans, true)
                .orElseGet(() -> countJobsGrouped(h, table, renames, digest, renamedDagIds, Map.of(), orphans));
    }

    /**
     * Counts a job table after the project-id rewrite as {@link #countJobs} counts one before it, with the jobs whose
     * {@code project_form.int_id} names a listed project but whose {@code id} is not that project's UUID (a rewrite
     * that went wrong, or a project list that does not belong to this database), without orphans. No listed integer
     * id is left then, so the scan is a plain aggregate without groups (1.05–1.13 s against 1.30–1.32 s grouped by
     * listed project, by hand on 1M rewritten jobs with two workers). Where an integer id is left, or without a
     * project list, the grouping sets run to count them per id.
     *
     * @param h        the handle
     * @param table    {@code job}, or a rebuild's new table {@code job_05} before the swap
     * @param renames  old id → new id
     * @param digest   whether to digest the columns the rebuild copied unchanged
     * @param projects the listed projects: UUID by old integer id (empty without a project list)
     * @return the counts, equal to {@link #countJobsGrouped}'s
     */
    public static JobCounts countRewrittenJobs(Handle h, String table, Map<String, String> renames, boolean digest,
                                               Map<Integer, UUID> projects) {
        return oneAggregate(h, table, renames, digest, false, projects, true, false, false)
                .orElseGet(() -> countJobsGrouped(h, table, renames, digest, false, projects, false));
    }

    /**
     * The one aggregate of {@link #countJobs} ({@code byListedProject}) and {@link #countRewrittenJobs} (without
     * groups), or empty where it cannot count every integer id: no project list, or a job holding an integer id that
     * it does not count per id (one of no listed project; with {@code byListedProject} false, any).
     */
    private static java.util.Optional<JobCounts> oneAggregate(Handle h, String table, Map<String, String> renames,
            boolean digest, boolean renamedDagIds, Map<Integer, UUID> projects, boolean consistency, boolean orphans,
            boolean byListedProject) {
        requireJobTable(table);
        Map<String, String> uuids = uuidsByText(projects);
        if (uuids.isEmpty()) {
            return java.util.Optional.empty();
        }
        Map<String, String> listed = new LinkedHashMap<>(uuids);
        listed.keySet().removeIf(id -> !id.matches("[0-9]+"));
        String form = "(j.conf_data->'project_form')";
        List<String> oldIds = new ArrayList<>(renames.keySet());
        StringBuilder perRename = new StringBuilder();
        for (int i = 0; i < oldIds.size(); i++) {
            perRename.append(", count(*) FILTER (WHERE j.dag_id = :old").append(i)
                    .append("), count(*) FILTER (WHERE j.conf_data->>'dag_id' = :old").append(i).append(')');
        }
        org.jdbi.v3.core.statement.Query query = h.createQuery("SELECT " + (byListedProject ? "v.pid" : "NULL")
                + ", count(*), "
                + (digest ? "coalesce(sum(" + JobTableRebuild.unchangedRowHash("j", renamedDagIds) + "), 0)::text"
                : "NULL") + ", count(*) FILTER (WHERE " + (byListedProject ? "v.pid IS NULL AND " : "")
                + holdsIntegerId(form) + "), "
                + "count(*) FILTER (WHERE " + (consistency ? inconsistent(form) : "false") + "), "
                + "count(*) FILTER (WHERE " + (orphans ? orphan("j") : "false") + ")" + perRename
                + " FROM " + table + " j" + (orphans ? orphanJoins("j") : "")
                // The listed ids (distinct keys, digits only, as holdsIntegerId reads them): a job matches one at most.
                + (byListedProject ? " LEFT JOIN (SELECT jsonb_object_keys(:listed::jsonb) AS pid) v ON v.pid = "
                + form + "->>'id' GROUP BY v.pid" : ""));
        if (byListedProject) {
            query.bind("listed", json(listed));
        }
        if (consistency) {
            query.bind("uuids", json(uuids));
        }
        for (int i = 0; i < oldIds.size(); i++) {
            query.bind("old" + i, oldIds.get(i));
        }
        if (digest && renamedDagIds) {
            query.bind("renames", json(renames));
        }
        // summed over the groups: jobs, jobs with an unlisted integer id, inconsistent forms, orphans, then per
        // renamed id the jobs holding it in dag_id and in conf_data.dag_id
        long[] totals = new long[4 + 2 * oldIds.size()];
        java.math.BigInteger[] sum = {java.math.BigInteger.ZERO};
        Map<String, Long> projectIds = new java.util.TreeMap<>(PROJECT_ID_ORDER);
        query.map((rs, ctx) -> {
            long jobs = rs.getLong(2);
            if (digest) {
                sum[0] = sum[0].add(new java.math.BigInteger(rs.getString(3)));
            }
            totals[0] += jobs;
            for (int i = 1; i < totals.length; i++) {
                totals[i] += rs.getLong(3 + i);
            }
            putIfPresent(projectIds, rs.getString(1), jobs);
            return jobs;
        }).list();
        if (totals[1] > 0) {
            return java.util.Optional.empty();
        }
        List<RenameCount> counts = new ArrayList<>();
        for (int i = 0; i < oldIds.size(); i++) {
            String oldId = oldIds.get(i);
            long inDagId = totals[4 + 2 * i];
            long inConf = totals[5 + 2 * i];
            if (inDagId > 0) {
                counts.add(new RenameCount(Target.JOB_DAG_ID, oldId, renames.get(oldId), inDagId, 0));
            }
            if (inConf > 0) {
                counts.add(new RenameCount(Target.JOB_CONF_DAG_ID, oldId, renames.get(oldId), inConf, 0));
            }
        }
        return java.util.Optional.of(new JobCounts(counts, new LinkedHashMap<>(projectIds), totals[0],
                digest ? new TableDigests.TableDigest(totals[0], sum[0].toString()) : null, totals[2],
                orphans ? totals[3] : -1));
    }

    /** Whether the job {@code alias} has lost its site or its workflow (after {@link #orphanJoins(String)}). */
    private static String orphan(String alias) {
        return "(" + alias + ".kaapana_id IS NOT NULL AND k.id IS NULL) OR (" + alias + ".workflow_id IS NOT NULL "
                + "AND w.workflow_id IS NULL)";
    }

    /**
     * Hash joins of the job {@code alias} against the keys of the sites and workflows (made distinct: a damaged schema
     * may lack the unique keys, and a duplicate must not count a job twice), instead of an anti-join that reads the
     * job table again.
     */
    private static String orphanJoins(String alias) {
        return " LEFT JOIN (SELECT DISTINCT id FROM kaapana_instance) k ON k.id = " + alias + ".kaapana_id"
                + " LEFT JOIN (SELECT DISTINCT workflow_id FROM workflow) w ON w.workflow_id = " + alias + ".workflow_id";
    }

    /** Integer project ids as stored, in numeric order (shorter first, then by digits). */
    private static final java.util.Comparator<String> PROJECT_ID_ORDER =
            java.util.Comparator.comparingInt(String::length).thenComparing(java.util.Comparator.naturalOrder());

    /**
     * The grouping-sets form of {@link #countJobs}: the same counts, by one hashed grouping set per kind (the grand
     * total, the renamed {@code dag_id}, the renamed {@code conf_data.dag_id}, the integer project id), whatever ids
     * the jobs hold. A server runs it in one process. What {@link #countJobs} falls back to where a job holds an
     * integer id of no listed project, and what its tests hold it to.
     *
     * @param h             the handle
     * @param table         {@code job} or {@code job_05}
     * @param renames       old id → new id
     * @param digest        whether to digest the columns a rebuild copies unchanged
     * @param renamedDagIds whether that digest takes {@code dag_id} as renamed
     * @param projects      UUID by old integer id, to count inconsistent project forms; empty to skip
     * @param orphans       whether to count the jobs whose site or workflow no longer exists
     * @return the counts
     */
    public static JobCounts countJobsGrouped(Handle h, String table, Map<String, String> renames, boolean digest,
                                             boolean renamedDagIds, Map<Integer, UUID> projects, boolean orphans) {
        requireJobTable(table);
        Map<String, String> uuids = uuidsByText(projects);
        long[] inconsistent = {0};
        long[] orphaned = {orphans ? 0 : -1};
        Map<String, Long> dagIds = new LinkedHashMap<>();
        Map<String, Long> confDagIds = new LinkedHashMap<>();
        Map<String, Long> projectIds = new java.util.TreeMap<>(PROJECT_ID_ORDER);
        long[] jobs = {0};
        TableDigests.TableDigest[] unchanged = {null};
        // One scan: each row's values are computed once in the scan and counted by one hashed grouping set each (the
        // grand total, the renamed dag_id, the renamed conf_data.dag_id, the integer project id). A lateral VALUES
        // list per row did the same in three times the time (a nested loop and four rows per job to aggregate). The
        // inner subquery takes conf_data apart once per row (OFFSET 0 keeps the planner from flattening it, which would
        // put every jsonb access back into each expression that uses it: about a quarter of the scan's time).
        org.jdbi.v3.core.statement.Query query = h.createQuery("SELECT GROUPING(s.d, s.cd, s.p), s.d, s.cd, s.p, "
                + "count(*), coalesce(sum(s.h), 0)::text, count(*) FILTER (WHERE s.bad), "
                + "count(*) FILTER (WHERE s.orphan) FROM (SELECT "
                + "CASE WHEN :renames::jsonb ?? x.dag_id THEN x.dag_id END AS d, "
                + "CASE WHEN :renames::jsonb ?? x.cdag THEN x.cdag END AS cd, "
                + "CASE WHEN " + holdsIntegerId("x.pf") + " THEN x.pf->>'id' END AS p, "
                + "x.h, "
                + (uuids.isEmpty() ? "false" : inconsistent("x.pf")) + " AS bad, "
                + (orphans ? orphan("x") : "false") + " AS orphan "
                + "FROM (SELECT j.dag_id, j.kaapana_id, j.workflow_id, j.conf_data->>'dag_id' AS cdag, "
                + "j.conf_data->'project_form' AS pf, "
                + (digest ? JobTableRebuild.unchangedRowHash("j", renamedDagIds) : "NULL::bigint") + " AS h "
                + "FROM " + table + " j OFFSET 0) x"
                + (orphans ? orphanJoins("x") : "")
                + ") s GROUP BY GROUPING SETS ((), (s.d), (s.cd), (s.p))").bind("renames", json(renames));
        if (!uuids.isEmpty()) {
            query.bind("uuids", json(uuids));
        }
        query
                .map((rs, ctx) -> new JobGroup(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getLong(5), rs.getString(6), rs.getLong(7), rs.getLong(8)))
                .forEach(g -> {
                    switch (g.grouping()) {
                        case 0b111 -> { // the grand total
                            jobs[0] = g.jobs();
                            unchanged[0] = digest ? new TableDigests.TableDigest(g.jobs(), g.digest()) : null;
                            inconsistent[0] = g.inconsistent();
                            orphaned[0] = orphans ? g.orphans() : -1;
                        }
                        case 0b011 -> putIfPresent(dagIds, g.dagId(), g.jobs());
                        case 0b101 -> putIfPresent(confDagIds, g.confDagId(), g.jobs());
                        default -> putIfPresent(projectIds, g.projectId(), g.jobs());
                    }
                });
        if (digest && unchanged[0] == null) { // no job: no group
            unchanged[0] = new TableDigests.TableDigest(0, "0");
        }
        List<RenameCount> counts = new ArrayList<>();
        renames.forEach((oldId, newId) -> {
            if (dagIds.containsKey(oldId)) {
                counts.add(new RenameCount(Target.JOB_DAG_ID, oldId, newId, dagIds.get(oldId), 0));
            }
            if (confDagIds.containsKey(oldId)) {
                counts.add(new RenameCount(Target.JOB_CONF_DAG_ID, oldId, newId, confDagIds.get(oldId), 0));
            }
        });
        return new JobCounts(counts, new LinkedHashMap<>(projectIds), jobs[0], unchanged[0], inconsistent[0],
                orphaned[0]);
    }

    /**
     * Replaces integer project ids in {@code job.conf_data.project_form}: {@code id} becomes the project's UUID
     * (a JSON string) and {@code int_id} the old integer, as 0.5.2 stores the project form. One scan, no join: the
     * map is one jsonb parameter, looked up per row.
     *
     * @param h        the handle
     * @param projects the projects by their id as stored (see {@link #countJobs(Handle, Map)}): old
     *                 integer id and UUID
     * @return the rows updated
     */
    public static long rewriteProjectIds(Handle h, Map<String, Map.Entry<Integer, UUID>> projects) {
        return h.createUpdate("UPDATE job j SET conf_data = " + PROJECT_FORM_REWRITTEN + " WHERE " + PROJECT_FORM_HOLDS_OLD_ID)
                .bind("forms", projectForms(projects)).executeLarge();
    }

    /**
     * The same rewrite as {@link #rewriteProjectIds(Handle, Map)}, by rebuilding the job table: a new table filled
     * by one {@code INSERT … SELECT} that rewrites {@code conf_data} on the way, swapped in, its key, indexes and foreign
     * keys recreated under their names. For when most jobs need the rewrite (every 0.4 job does): one write of each row
     * and one build of each index, instead of a new row version per job that maintains all seven indexes. Only if
     * {@link JobTableRebuild#obstacles(Handle)} found none. The new table is counted as {@link #countJobs} counts
     * {@code job} (with the digest the rebuild compares), in the one scan of it the rebuild takes before the swap: what
     * the caller proves after the rewrite, with nothing left to read of the job table.
     *
     * @param h        the handle, in the rewrite's transaction, holding the lock the scan of {@code before} was taken under
     * @param projects as for {@link #rewriteProjectIds(Handle, Map)}
     * @param before   rows and digest of every column but {@code conf_data}, taken in this transaction under that lock
     * @param renames  old id → new id, counted in the new table
     * @param uuids    UUID by old integer id, to count inconsistent project forms in the new table
     * @return the counts of the new table
     */
    public static JobCounts rebuildJobsWithProjectIds(Handle h, Map<String, Map.Entry<Integer, UUID>> projects,
                                                      TableDigests.TableDigest before, Map<String, String> renames,
                                                      Map<Integer, UUID> uuids) {
        return JobTableRebuild.rebuild(h, "CASE WHEN " + PROJECT_FORM_HOLDS_OLD_ID + " THEN " + PROJECT_FORM_REWRITTEN
                        + " ELSE j.conf_data END", Map.of("forms", projectForms(projects)), before,
                table -> countRewrittenJobs(h, table, renames, true, uuids));
    }

    /** Whether a project form (a jsonb expression) holds an integer id: a JSON number or a string of digits. */
    private static String holdsIntegerId(String form) {
        return "jsonb_typeof(" + form + ") = 'object' AND " + form + "->>'id' ~ '^[0-9]+$'";
    }

    /**
     * Whether a project form (a jsonb expression) names a listed project by its {@code int_id} but not by its
     * {@code id} (parameter {@code :uuids}: UUID by old id, as text).
     */
    private static String inconsistent(String form) {
        return "jsonb_typeof(" + form + ") = 'object' AND :uuids::jsonb ?? (" + form + "->>'int_id') AND (" + form
                + "->>'id') IS DISTINCT FROM (:uuids::jsonb ->> (" + form + "->>'int_id'))";
    }

    /** Refuses any table name but the job table's and its rebuild's: the name goes into the SQL text. */
    private static void requireJobTable(String table) {
        if (!table.equals("job") && !table.equals(JobTableRebuild.NEW_TABLE)) {
            throw new IllegalArgumentException("not a job table: " + table);
        }
    }

    /**
     * The project UUIDs as text by the old integer id as text: the jsonb parameter of the consistency count, whose keys
     * are also the listed ids the scan by listed project joins.
     */
    private static Map<String, String> uuidsByText(Map<Integer, UUID> projects) {
        Map<String, String> uuids = new LinkedHashMap<>();
        projects.forEach((oldId, uuid) -> uuids.put(String.valueOf(oldId), uuid.toString()));
        return uuids;
    }

    /** The new project form of a job (parameter: the forms by old id as stored), merged into its old one. */
    private static final String PROJECT_FORM_REWRITTEN = "jsonb_set(j.conf_data, '{project_form}', "
            + "(j.conf_data->'project_form') || (:forms::jsonb -> (j.conf_data->'project_form'->>'id')))";

    /** Whether a job's project form holds an old id of the map (parameter: the forms by old id as stored). */
    private static final String PROJECT_FORM_HOLDS_OLD_ID = "jsonb_typeof(j.conf_data->'project_form') = 'object' "
            + "AND :forms::jsonb ?? (j.conf_data->'project_form'->>'id')";

    private static String projectForms(Map<String, Map.Entry<Integer, UUID>> projects) {
        Map<String, Map<String, Object>> forms = new LinkedHashMap<>();
        projects.forEach((text, p) -> forms.put(text, Map.of("id", p.getValue().toString(), "int_id", p.getKey())));
        return json(forms);
    }
}
