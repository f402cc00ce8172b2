package dev.kaapanamigrate.postgres;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.postgres.internal.KaapanaDags;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The benchmarks' second baseline (issue 19): the best hand-written, set-based SQL making the same changes as the
 * library's three database migrations and the reference rewrite ({@code postgres.rewrite-backend-references} with its
 * defaults: renamed DAG ids in configuration, integer project ids of jobs), without any verification. Each database
 * in one transaction, over plain JDBC: keys that the migration drops anyway dropped before the updates; the DWF
 * mappings, the dataset memberships and the job table rebuilt (one {@code INSERT … SELECT} each, then the key, indexes
 * and foreign keys) instead of updated in place. Same project UUIDs, dataset numbering and sequence values as the
 * steps, so the benchmark can compare data digests as well as catalogues with theirs.
 */
final class TunedScript {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The kaapana-backend script's time split at the end of the schema migration (the rest is the reference rewrite). */
    record BackendTimes(long migrationNanos, long referencesNanos) {
    }

    private TunedScript() {
    }

    /**
     * Access-information: the dead tables and the three-column unique dropped first; project UUIDs from the map.
     *
     * @param c        the connection
     * @param projects old id → UUID
     * @param adminOld the admin project's old id
     */
    static void accessInformation(Connection c, Map<Integer, UUID> projects, int adminOld) throws SQLException {
        inTransaction(c, st -> {
            st.execute("DROP TABLE data_projects, data");
            projectMap(c, projects);
            st.execute("ALTER TABLE users_projects_roles DROP CONSTRAINT users_projects_roles_project_id_fkey, "
                    + "DROP CONSTRAINT users_projects_roles_project_id_role_id_keycloak_id_key");
            st.execute("ALTER TABLE projects DROP CONSTRAINT projects_pkey, ADD COLUMN project_uuid uuid");
            st.execute("UPDATE projects p SET project_uuid = m.new_id FROM project_map m WHERE m.old_id = p.id");
            st.execute("ALTER TABLE projects RENAME COLUMN id TO int_id");
            st.execute("ALTER TABLE projects RENAME COLUMN project_uuid TO id");
            st.execute("ALTER TABLE projects ALTER COLUMN int_id DROP NOT NULL, ALTER COLUMN id SET NOT NULL, "
                    + "ADD CONSTRAINT projects_pkey PRIMARY KEY (id)");
            st.execute("ALTER TABLE users_projects_roles ADD COLUMN project_uuid uuid");
            st.execute("UPDATE users_projects_roles u SET project_uuid = m.new_id FROM project_map m "
                    + "WHERE m.old_id = u.project_id");
            st.execute("ALTER TABLE users_projects_roles DROP COLUMN project_id");
            st.execute("ALTER TABLE users_projects_roles RENAME COLUMN project_uuid TO project_id");
            st.execute("ALTER TABLE users_projects_roles ALTER COLUMN project_id SET NOT NULL, "
                    + "ADD CONSTRAINT users_projects_roles_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects(id)");
            st.execute("CREATE TABLE admin_project (id serial NOT NULL, project_id uuid NOT NULL, "
                    + "CONSTRAINT admin_project_pkey PRIMARY KEY (id, project_id), "
                    + "CONSTRAINT admin_project_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects(id))");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO admin_project (project_id) VALUES (?)")) {
                ps.setObject(1, projects.get(adminOld));
                ps.executeUpdate();
            }
            st.execute("CREATE TABLE software_mappings (id serial NOT NULL, software_uuid character varying(72) NOT NULL, "
                    + "project_id uuid NOT NULL, CONSTRAINT software_mappings_pkey PRIMARY KEY (id), "
                    + "CONSTRAINT software_mappings_project_id_software_uuid_key UNIQUE (project_id, software_uuid), "
                    + "CONSTRAINT software_mappings_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects(id))");
            stampHead(st, ServiceDatabase.ACCESS_INFORMATION);
        });
    }

    /**
     * Dicom-web-filter: {@code data_projects} rebuilt with the UUIDs, then its key, unique and foreign key.
     *
     * @param c        the connection
     * @param projects old id → UUID
     */
    static void dicomWebFilter(Connection c, Map<Integer, UUID> projects) throws SQLException {
        inTransaction(c, st -> {
            projectMap(c, projects);
            st.execute("CREATE TABLE data_projects_05 (id integer NOT NULL DEFAULT nextval('data_projects_id_seq'::regclass), "
                    + "series_instance_uid character varying, old_project_id integer, project_id uuid NOT NULL)");
            st.execute("INSERT INTO data_projects_05 SELECT d.id, d.series_instance_uid, d.project_id, m.new_id "
                    + "FROM data_projects d LEFT JOIN project_map m ON m.old_id = d.project_id");
            st.execute("ALTER SEQUENCE data_projects_id_seq OWNED BY NONE");
            st.execute("DROP TABLE data_projects");
            st.execute("ALTER TABLE data_projects_05 RENAME TO data_projects");
            st.execute("ALTER SEQUENCE data_projects_id_seq OWNED BY data_projects.id");
            st.execute("ALTER TABLE data_projects ADD CONSTRAINT data_projects_pkey PRIMARY KEY (id), "
                    + "ADD CONSTRAINT data_projects_project_id_series_instance_uid_key UNIQUE (project_id, series_instance_uid), "
                    + "ADD CONSTRAINT data_projects_series_instance_uid_fkey FOREIGN KEY (series_instance_uid) "
                    + "REFERENCES dicom_data(series_instance_uid)");
            stampHead(st, ServiceDatabase.DICOM_WEB_FILTER);
        });
    }

    /**
     * Kaapana-backend, the schema migration and the reference rewrite in one transaction: the membership table's
     * keys dropped with it (rebuilt by one {@code INSERT … SELECT … JOIN dataset}), the datasets numbered in the steps'
     * order, the admin UUID as a stored default; then renamed DAG ids in the two configuration tables and the job
     * table rebuilt with the project forms rewritten.
     *
     * @param c        the connection
     * @param projects old id → UUID
     * @param adminOld the admin project's old id
     * @return the time of each part
     */
    static BackendTimes backend(Connection c, Map<Integer, UUID> projects, int adminOld) throws SQLException {
        long[] split = new long[1];
        long start = System.nanoTime();
        inTransaction(c, st -> {
            migrateBackend(c, st, projects, adminOld);
            split[0] = System.nanoTime();
            rewriteReferences(c, st, projects);
        });
        long end = System.nanoTime();
        return new BackendTimes(split[0] - start, end - split[0]);
    }

    /**
     * The kaapana-backend migration alone, in a transaction of its own: what the three migrations' figures compare with.
     * In {@link #backend} its commit (which syncs or flushes the rebuilt membership table) is the reference rewrite's.
     *
     * @param c        the connection
     * @param projects old id → UUID
     * @param adminOld the admin project's old id
     * @return its time, commit included, in nanoseconds
     */
    static long backendMigration(Connection c, Map<Integer, UUID> projects, int adminOld) throws SQLException {
        long start = System.nanoTime();
        inTransaction(c, st -> migrateBackend(c, st, projects, adminOld));
        return System.nanoTime() - start;
    }

    private static void migrateBackend(Connection c, Statement st, Map<Integer, UUID> projects, int adminOld)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('tuned.admin', ?, true)")) {
            ps.setString(1, projects.get(adminOld).toString());
            ps.executeQuery().close();
        }
        // The membership table is replaced: its key and foreign keys go first, and so does dataset's key on name.
        st.execute("ALTER TABLE identifier2dataset DROP CONSTRAINT identifier2dataset_dataset_fkey");
        st.execute("ALTER TABLE dataset DROP CONSTRAINT dataset_pkey, ADD COLUMN id integer, "
                + "ADD COLUMN project_id uuid NOT NULL DEFAULT current_setting('tuned.admin')::uuid");
        st.execute("ALTER TABLE dataset ALTER COLUMN project_id DROP DEFAULT");
        st.execute("ALTER TABLE workflow ADD COLUMN project_id uuid NOT NULL DEFAULT current_setting('tuned.admin')::uuid");
        st.execute("ALTER TABLE workflow ALTER COLUMN project_id DROP DEFAULT");
        st.execute("CREATE SEQUENCE dataset_id_seq OWNED BY dataset.id");
        st.execute("UPDATE dataset d SET id = n.id FROM (SELECT name, row_number() OVER (ORDER BY "
                + MigrateBackendStep.DATASET_ORDER + ") AS id FROM dataset) n WHERE n.name = d.name");
        st.execute("SELECT setval('dataset_id_seq', max(id)) FROM dataset HAVING max(id) IS NOT NULL");
        st.execute("ALTER TABLE dataset ALTER COLUMN id SET DEFAULT nextval('dataset_id_seq'::regclass), "
                + "ALTER COLUMN id SET NOT NULL, ALTER COLUMN name SET NOT NULL, ADD CONSTRAINT dataset_pkey PRIMARY KEY (id), "
                + "ADD CONSTRAINT dataset_project_id_name_key UNIQUE (project_id, name)");
        st.execute("CREATE TABLE identifier2dataset_05 (identifier character varying NOT NULL, dataset integer)");
        st.execute("INSERT INTO identifier2dataset_05 SELECT i.identifier, d.id FROM identifier2dataset i "
                + "JOIN dataset d ON d.name = i.dataset");
        st.execute("DROP TABLE identifier2dataset");
        st.execute("ALTER TABLE identifier2dataset_05 RENAME TO identifier2dataset");
        st.execute("ALTER TABLE identifier2dataset ADD CONSTRAINT identifier2dataset_dataset_fkey FOREIGN KEY (dataset) "
                + "REFERENCES dataset(id) ON DELETE CASCADE, ADD CONSTRAINT identifier2dataset_identifier_fkey "
                + "FOREIGN KEY (identifier) REFERENCES identifiers(id)");
        stampHead(st, ServiceDatabase.BACKEND);
    }

    private static void rewriteReferences(Connection c, Statement st, Map<Integer, UUID> projects) throws SQLException {
        String renames = json(KaapanaDags.RENAMES);
        update(c, "WITH m AS (SELECT * FROM jsonb_each_text(?::jsonb) AS m(old_id, new_id)) "
                + "UPDATE kaapana_instance k SET allowed_dags = ("
                + " SELECT jsonb_object_agg(coalesce(m.new_id, e.key), CASE WHEN m.old_id IS NOT NULL"
                + "  AND jsonb_typeof(e.value) = 'object' AND e.value->>'dag_id' = m.old_id"
                + "  THEN jsonb_set(e.value, '{dag_id}', to_jsonb(m.new_id)) ELSE e.value END)"
                + " FROM jsonb_each(k.allowed_dags) AS e(key, value) LEFT JOIN m ON m.old_id = e.key"
                + " WHERE m.old_id IS NULL OR NOT k.allowed_dags ?? m.new_id) "
                + "WHERE jsonb_typeof(k.allowed_dags) = 'object' AND k.allowed_dags ??| (SELECT array_agg(old_id) FROM m)",
                renames);
        update(c, "WITH m AS (SELECT * FROM jsonb_each_text(?::jsonb) AS m(old_id, new_id)) "
                + "UPDATE settings s SET value = ("
                + " SELECT json_object_agg(coalesce(m.new_id, e.key), e.value ORDER BY e.ord)"
                + " FROM json_each(s.value) WITH ORDINALITY AS e(key, value, ord) LEFT JOIN m ON m.old_id = e.key"
                + " WHERE m.old_id IS NULL OR NOT s.value::jsonb ?? m.new_id) "
                + "WHERE s.key = 'workflows' AND json_typeof(s.value) = 'object' "
                + "AND s.value::jsonb ??| (SELECT array_agg(old_id) FROM m)", renames);
        Map<String, Map<String, Object>> forms = new LinkedHashMap<>();
        projects.forEach((old, uuid) -> forms.put(String.valueOf(old), Map.of("id", uuid.toString(), "int_id", old)));
        st.execute("CREATE TABLE job_05 (LIKE job INCLUDING DEFAULTS INCLUDING STORAGE INCLUDING COMPRESSION)");
        update(c, "INSERT INTO job_05 SELECT j.id, j.dag_id, j.external_job_id, j.owner_kaapana_instance_name, "
                + "CASE WHEN jsonb_typeof(j.conf_data->'project_form') = 'object' "
                + "AND ?::jsonb ?? (j.conf_data->'project_form'->>'id') THEN jsonb_set(j.conf_data, '{project_form}', "
                + "(j.conf_data->'project_form') || (?::jsonb -> (j.conf_data->'project_form'->>'id'))) "
                + "ELSE j.conf_data END, j.status, j.run_id, j.description, j.username, j.time_created, j.time_updated, "
                + "j.automatic_execution, j.service_job, j.kaapana_id, j.workflow_id FROM job j",
                json(forms), json(forms));
        // Repeats JobTableRebuild's swap, index and constraint SQL on purpose: the hand-written baseline stays independent of the library's SQL.
        for (String sql : List.of(
                "ALTER SEQUENCE job_id_seq OWNED BY NONE",
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
                "ALTER TABLE job ADD CONSTRAINT job_kaapana_id_fkey FOREIGN KEY (kaapana_id) "
                        + "REFERENCES kaapana_instance(id), ADD CONSTRAINT job_workflow_id_fkey FOREIGN KEY (workflow_id) "
                        + "REFERENCES workflow(workflow_id)")) {
            st.execute(sql);
        }
    }

    private static void projectMap(Connection c, Map<Integer, UUID> projects) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TEMP TABLE project_map (old_id integer PRIMARY KEY, new_id uuid NOT NULL) ON COMMIT DROP");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO project_map SELECT * FROM unnest(?::integer[], ?::uuid[])")) {
            ps.setArray(1, c.createArrayOf("integer", projects.keySet().toArray()));
            ps.setArray(2, c.createArrayOf("uuid", projects.values().toArray()));
            ps.executeUpdate();
        }
    }

    private static void update(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface Statements {
        void run(Statement st) throws SQLException;
    }

    private static void inTransaction(Connection c, Statements body) throws SQLException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            body.run(st);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static void stampHead(Statement st, ServiceDatabase db) throws SQLException {
        st.execute("DROP TABLE IF EXISTS alembic_version");
        st.execute("CREATE TABLE alembic_version (version_num character varying(32) NOT NULL, "
                + "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))");
        try (PreparedStatement ps = st.getConnection().prepareStatement("INSERT INTO alembic_version (version_num) VALUES (?)")) {
            ps.setString(1, db.targetRevision());
            ps.executeUpdate();
        }
    }
}
