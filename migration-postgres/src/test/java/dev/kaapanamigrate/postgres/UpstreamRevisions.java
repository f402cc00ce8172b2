package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ServiceDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The benchmarks' raw-client baseline: a literal, statement-by-statement translation of upstream's three 0.5.2
 * revisions (reference §5–§7) over plain JDBC, each in one transaction, as the services run them at their first
 * start: in-place {@code UPDATE}s, constraints dropped where upstream drops them, the DWF projects filled one old id
 * at a time. It produces the 0.5.2 schema, so the benchmark can compare its catalogue with the steps' result.
 */
final class UpstreamRevisions {

    private UpstreamRevisions() {
    }

    /**
     * Revision {@code 6e751c62ecfa} of access-information.
     *
     * @return old project id → the UUID the revision gave it
     */
    static Map<Integer, UUID> accessInformation(Connection c) throws SQLException {
        inTransaction(c, st -> {
            st.execute("ALTER TABLE data_projects DROP CONSTRAINT data_projects_data_id_fkey");
            st.execute("DROP TABLE data");
            st.execute("DROP TABLE data_projects");
            st.execute("ALTER TABLE projects ADD COLUMN project_uuid uuid");
            st.execute("ALTER TABLE users_projects_roles ADD COLUMN project_uuid uuid");
            st.execute("UPDATE projects SET project_uuid = gen_random_uuid()");
            st.execute("UPDATE users_projects_roles SET project_uuid = projects.project_uuid FROM projects "
                    + "WHERE users_projects_roles.project_id = projects.id");
            st.execute("ALTER TABLE projects ALTER COLUMN project_uuid SET NOT NULL");
            st.execute("ALTER TABLE users_projects_roles ALTER COLUMN project_uuid SET NOT NULL");
            st.execute("ALTER TABLE users_projects_roles DROP CONSTRAINT users_projects_roles_project_id_fkey");
            st.execute("ALTER TABLE projects DROP CONSTRAINT projects_pkey");
            st.execute("ALTER TABLE projects RENAME COLUMN id TO int_id");
            st.execute("ALTER TABLE projects ALTER COLUMN int_id DROP NOT NULL");
            st.execute("ALTER TABLE projects RENAME COLUMN project_uuid TO id");
            st.execute("ALTER TABLE projects ADD CONSTRAINT projects_pkey PRIMARY KEY (id)");
            st.execute("ALTER TABLE users_projects_roles DROP COLUMN project_id");
            st.execute("ALTER TABLE users_projects_roles RENAME COLUMN project_uuid TO project_id");
            st.execute("ALTER TABLE users_projects_roles ADD CONSTRAINT users_projects_roles_project_id_fkey "
                    + "FOREIGN KEY (project_id) REFERENCES projects(id)");
            st.execute("CREATE TABLE admin_project (id serial NOT NULL, project_id uuid NOT NULL, "
                    + "CONSTRAINT admin_project_pkey PRIMARY KEY (id, project_id), "
                    + "CONSTRAINT admin_project_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects(id))");
            st.execute("INSERT INTO admin_project (project_id) SELECT id FROM projects WHERE int_id = 1");
            st.execute("CREATE TABLE software_mappings (id serial NOT NULL, software_uuid character varying(72) NOT NULL, "
                    + "project_id uuid NOT NULL, CONSTRAINT software_mappings_pkey PRIMARY KEY (id), "
                    + "CONSTRAINT software_mappings_project_id_software_uuid_key UNIQUE (project_id, software_uuid), "
                    + "CONSTRAINT software_mappings_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects(id))");
            stampHead(st, ServiceDatabase.ACCESS_INFORMATION);
        });
        Map<Integer, UUID> map = new LinkedHashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT int_id, id FROM projects ORDER BY int_id")) {
            while (rs.next()) {
                map.put(rs.getInt(1), rs.getObject(2, UUID.class));
            }
        }
        return map;
    }

    /** Revision {@code 6defb625827a} of dicom-web-filter, with the map upstream reads over HTTP from the migrated AII. */
    static void dicomWebFilter(Connection c, Map<Integer, UUID> projects) throws SQLException {
        inTransaction(c, st -> {
            st.execute("ALTER TABLE data_projects DROP CONSTRAINT data_projects_project_id_series_instance_uid_key");
            st.execute("ALTER TABLE data_projects RENAME COLUMN project_id TO old_project_id");
            st.execute("ALTER TABLE data_projects ALTER COLUMN old_project_id DROP NOT NULL");
            st.execute("ALTER TABLE data_projects ADD COLUMN project_id uuid");
            try (PreparedStatement ps = c.prepareStatement("UPDATE data_projects SET project_id = ? WHERE old_project_id = ?")) {
                for (Map.Entry<Integer, UUID> e : projects.entrySet()) {
                    ps.setObject(1, e.getValue());
                    ps.setInt(2, e.getKey());
                    ps.executeUpdate();
                }
            }
            st.execute("ALTER TABLE data_projects ADD CONSTRAINT data_projects_project_id_series_instance_uid_key "
                    + "UNIQUE (project_id, series_instance_uid)");
            st.execute("ALTER TABLE data_projects ALTER COLUMN project_id SET NOT NULL");
            stampHead(st, ServiceDatabase.DICOM_WEB_FILTER);
        });
    }

    /** Revision {@code e689ab05516a} of kaapana-backend, with the admin UUID upstream reads over HTTP. */
    static void backend(Connection c, UUID admin) throws SQLException {
        inTransaction(c, st -> {
            st.execute("ALTER TABLE dataset ADD COLUMN id integer");
            st.execute("ALTER TABLE dataset ADD COLUMN project_id uuid");
            st.execute("ALTER TABLE workflow ADD COLUMN project_id uuid");
            st.execute("ALTER TABLE dataset ADD CONSTRAINT dataset_project_id_name_key UNIQUE (project_id, name)");
            st.execute("CREATE SEQUENCE dataset_id_seq OWNED BY dataset.id");
            st.execute("UPDATE dataset SET id = nextval('dataset_id_seq')");
            st.execute("ALTER TABLE dataset ALTER COLUMN id SET DEFAULT nextval('dataset_id_seq'::regclass)");
            st.execute("ALTER TABLE dataset ALTER COLUMN id SET NOT NULL");
            try (PreparedStatement ps = c.prepareStatement("UPDATE dataset SET project_id = ? WHERE project_id IS NULL");
                 PreparedStatement pw = c.prepareStatement("UPDATE workflow SET project_id = ? WHERE project_id IS NULL")) {
                ps.setObject(1, admin);
                ps.executeUpdate();
                pw.setObject(1, admin);
                pw.executeUpdate();
            }
            st.execute("ALTER TABLE dataset ALTER COLUMN project_id SET NOT NULL");
            st.execute("ALTER TABLE workflow ALTER COLUMN project_id SET NOT NULL");
            st.execute("ALTER TABLE identifier2dataset ADD COLUMN dataset_int integer");
            st.execute("UPDATE identifier2dataset SET dataset_int = dataset.id FROM dataset "
                    + "WHERE identifier2dataset.dataset = dataset.name");
            st.execute("ALTER TABLE identifier2dataset DROP CONSTRAINT identifier2dataset_dataset_fkey");
            st.execute("ALTER TABLE identifier2dataset DROP COLUMN dataset");
            st.execute("ALTER TABLE identifier2dataset RENAME COLUMN dataset_int TO dataset");
            st.execute("ALTER TABLE dataset DROP CONSTRAINT dataset_pkey");
            st.execute("ALTER TABLE dataset ADD CONSTRAINT dataset_pkey PRIMARY KEY (id)");
            st.execute("ALTER TABLE identifier2dataset ADD CONSTRAINT identifier2dataset_dataset_fkey FOREIGN KEY (dataset) "
                    + "REFERENCES dataset(id) ON DELETE CASCADE");
            stampHead(st, ServiceDatabase.BACKEND);
        });
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
