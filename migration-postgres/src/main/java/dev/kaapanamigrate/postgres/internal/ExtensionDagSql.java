package dev.kaapanamigrate.postgres.internal;

import dev.kaapanamigrate.postgres.ExtensionDag;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;

/**
 * Reads, read-only and aggregated in the database, the DAG ids the kaapana-backend database uses outside
 * 0.5.2's default software mappings: in {@code job.dag_id}, {@code workflow.dag_id}, the keys of
 * {@code kaapana_instance.allowed_dags} and of the saved {@code workflows} settings.
 */
public final class ExtensionDagSql {

    private ExtensionDagSql() {
    }

    private static final class Usage {
        final Set<String> projects = new TreeSet<>();
        final Set<String> sites = new TreeSet<>();
        final Set<String> users = new TreeSet<>();
        long jobs;
        long workflows;
    }

    /**
     * Finds the extension DAGs.
     *
     * @param h            a handle on the kaapana-backend database
     * @param projectNames the name of a project by its UUID (text), for workflows without jobs; may return
     *                     {@code null} for an unknown one
     * @return the DAGs, sorted by id (0.5 ids)
     */
    public static List<ExtensionDag> find(Handle h, Function<String, String> projectNames) {
        Set<String> covered = new LinkedHashSet<>(KaapanaDags.defaultSoftware());
        KaapanaDags.RENAMES.forEach((oldId, newId) -> {
            if (KaapanaDags.defaultSoftware().contains(newId)) {
                covered.add(oldId);
            }
        });
        List<String> coveredIds = List.copyOf(covered);
        Map<String, Usage> usage = new TreeMap<>();
        Function<String, Usage> of = id -> usage.computeIfAbsent(KaapanaDags.in05(id), k -> new Usage());

        query(h, "SELECT j.dag_id, coalesce(j.conf_data->'project_form'->>'name', j.conf_data->'project_form'->>'id'), "
                + "count(*) FROM job j WHERE j.dag_id IS NOT NULL AND j.dag_id <> ALL(?::text[]) GROUP BY 1, 2", coveredIds,
                rs -> {
                    Usage u = of.apply(rs.getString(1));
                    if (rs.getString(2) != null) {
                        u.projects.add(rs.getString(2));
                    }
                    u.jobs += rs.getLong(3);
                });
        query(h, "SELECT w.dag_id, count(*) FROM workflow w WHERE w.dag_id IS NOT NULL AND w.dag_id <> ALL(?::text[]) "
                + "GROUP BY 1", coveredIds, rs -> of.apply(rs.getString(1)).workflows += rs.getLong(2));
        if (hasColumn(h, "workflow", "project_id")) {
            // 0.5 shape: workflows carry a project; count it only for workflows without jobs, whose jobs say better.
            query(h, "SELECT w.dag_id, w.project_id::text FROM workflow w WHERE w.dag_id IS NOT NULL "
                    + "AND w.dag_id <> ALL(?::text[]) AND w.project_id IS NOT NULL "
                    + "AND NOT EXISTS (SELECT 1 FROM job j WHERE j.workflow_id = w.workflow_id) GROUP BY 1, 2", coveredIds,
                    rs -> {
                        String name = projectNames.apply(rs.getString(2));
                        of.apply(rs.getString(1)).projects.add(name == null ? rs.getString(2) : name);
                    });
        }
        query(h, "SELECT e.key, k.instance_name FROM kaapana_instance k, jsonb_object_keys(CASE WHEN "
                + "jsonb_typeof(k.allowed_dags) = 'object' THEN k.allowed_dags ELSE '{}'::jsonb END) AS e(key) "
                + "WHERE e.key <> ALL(?::text[]) GROUP BY 1, 2", coveredIds,
                rs -> of.apply(rs.getString(1)).sites.add(rs.getString(2)));
        query(h, "SELECT e.key, s.username FROM settings s, json_object_keys(CASE WHEN s.key = 'workflows' AND "
                + "json_typeof(s.value) = 'object' THEN s.value ELSE '{}'::json END) AS e(key) "
                + "WHERE e.key <> ALL(?::text[]) GROUP BY 1, 2", coveredIds,
                rs -> of.apply(rs.getString(1)).users.add(String.valueOf(rs.getString(2))));

        List<ExtensionDag> dags = new ArrayList<>();
        usage.forEach((id, u) -> dags.add(new ExtensionDag(id, List.copyOf(u.projects), u.jobs, u.workflows,
                List.copyOf(u.sites), List.copyOf(u.users))));
        return dags;
    }

    @FunctionalInterface
    private interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    private static void query(Handle h, String sql, List<String> coveredIds, Row row) {
        h.createQuery(sql).bindArray(0, String.class, coveredIds).reduceResultSet(0L, (rows, rs, ctx) -> {
            row.accept(rs);
            return rows + 1;
        });
    }

    private static boolean hasColumn(Handle h, String table, String column) {
        return h.createQuery("SELECT 1 FROM information_schema.columns "
                + "WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?")
                .bind(0, table).bind(1, column).mapTo(int.class).findFirst().isPresent();
    }
}
