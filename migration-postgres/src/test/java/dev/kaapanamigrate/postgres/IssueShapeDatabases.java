package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.testkit.InstallationGenerator;
import dev.kaapanamigrate.testkit.InstallationModel;
import dev.kaapanamigrate.testkit.InstallationSpec;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The data shape of issue 19's figures, generated on the server with {@code generate_series} (a minute instead of the
 * generator's per-row streams): 100 projects and 10,000 user–project mappings (access-information); 25,000 series in
 * 50,000 series→project mappings (dicom-web-filter); 200,000 identifiers in 1,000,000 dataset memberships over 2,000
 * datasets, 100,000 workflows and 1,000,000 jobs whose project forms hold the integer project id (kaapana-backend).
 * The schemas, the sites, the users' saved settings and the admin project come from the testkit's loader (a tiny spec
 * with 100 projects); the bulk tables are then replaced. Foreign-key triggers are off while loading
 * ({@code session_replication_role = replica}, the connection is a superuser): the rows are consistent by construction.
 */
final class IssueShapeDatabases {

    /** The tiny installation the schemas and the small tables come from. */
    static final InstallationSpec BASE = new InstallationSpec(42, 100, 20, 1, 2, 1, 1);

    private static final String UID = "'1.2.826.0.1.3680043.8.498.' || ";

    private IssueShapeDatabases() {
    }

    static void load(Connection aii, Connection dwf, Connection backend) throws SQLException {
        InstallationModel model = new InstallationModel(BASE);
        InstallationGenerator.loadDatabase(model, KaapanaDatabase.ACCESS_INFORMATION, aii);
        InstallationGenerator.loadDatabase(model, KaapanaDatabase.DICOM_WEB_FILTER, dwf);
        InstallationGenerator.loadDatabase(model, KaapanaDatabase.BACKEND, backend);
        run(aii,
                "DELETE FROM users_projects_roles",
                "INSERT INTO users_projects_roles (id, project_id, role_id, keycloak_id) SELECT (p - 1) * 100 + u, p, 1, "
                        + "md5('user ' || u)::uuid::text FROM generate_series(1, 100) p, generate_series(1, 100) u",
                "SELECT setval('users_projects_roles_id_seq', 10000)");
        run(dwf,
                "TRUNCATE data_projects, dicom_data",
                "INSERT INTO dicom_data SELECT " + UID + "(10000000 + s), " + UID + "(20000000 + s / 4), 'Dicom data' "
                        + "FROM generate_series(1, 25000) s",
                "INSERT INTO data_projects (id, series_instance_uid, project_id) SELECT 2 * s - 1, " + UID
                        + "(10000000 + s), 1 FROM generate_series(1, 25000) s UNION ALL SELECT 2 * s, " + UID
                        + "(10000000 + s), 2 + s % 99 FROM generate_series(1, 25000) s",
                "SELECT setval('data_projects_id_seq', 50000)");
        run(backend,
                "TRUNCATE job, identifier2dataset, workflow, dataset, identifiers",
                "INSERT INTO identifiers SELECT " + UID + "(10000000 + i) FROM generate_series(0, 199999) i",
                "INSERT INTO dataset (name, username, time_created, time_updated, kaapana_id) SELECT 'dataset-' || d, "
                        + "'user-' || d % 100, timestamptz '2024-01-01 00:00:00+00' + d * interval '1 hour', "
                        + "timestamptz '2024-01-01 00:00:00+00' + d * interval '1 hour', 1 FROM generate_series(1, 2000) d",
                // five datasets per identifier, 400 apart: (identifier, dataset) is unique
                "INSERT INTO identifier2dataset SELECT " + UID + "(10000000 + i), 'dataset-' || (1 + (i + k * 400) % 2000) "
                        + "FROM generate_series(0, 199999) i, generate_series(0, 4) k",
                "INSERT INTO workflow (workflow_id, workflow_name, dag_id, username, time_created, time_updated, "
                        + "automatic_execution, service_workflow, federated, kaapana_id, involved_kaapana_instances) "
                        + "SELECT 'wf-' || w, 'workflow-' || w, (ARRAY['collect-metadata', 'validate-dicoms', "
                        + "'generate-thumbnail', 'convert-nifitis-to-dicoms-and-import-to-pacs', "
                        + "'import-dicoms-in-zip-to-internal-pacs'])[1 + w % 5], 'user-' || w % 100, "
                        + "timestamptz '2024-01-01 00:00:00+00' + w * interval '1 minute', "
                        + "timestamptz '2024-01-01 00:00:00+00' + w * interval '1 minute', false, false, false, 1, "
                        + "'[\"central\"]' FROM generate_series(1, 100000) w",
                "INSERT INTO job (id, dag_id, external_job_id, owner_kaapana_instance_name, conf_data, status, run_id, "
                        + "description, username, time_created, time_updated, automatic_execution, service_job, kaapana_id, "
                        + "workflow_id) SELECT g, w.dag_id, NULL, 'central', jsonb_build_object("
                        + "'workflow_form', jsonb_build_object('username', w.username, 'workflow_id', w.workflow_id, "
                        + "'workflow_name', w.workflow_name, 'involved_instances', '[\"central\"]'::jsonb, "
                        + "'runner_instances', '[\"central\"]'::jsonb), "
                        + "'project_form', jsonb_build_object('id', 1 + g % 100, 'external_id', NULL, "
                        + "'name', 'project-' || (1 + g % 100), 'description', 'Project ' || (1 + g % 100), "
                        + "'kubernetes_namespace', 'project-project-' || (1 + g % 100), 's3_bucket', 'project-project-' "
                        + "|| (1 + g % 100), 'opensearch_index', 'project_project-' || (1 + g % 100)), "
                        + "'data_form', jsonb_build_object('dataset_name', 'dataset-' || (1 + g % 2000), 'identifiers', "
                        + "jsonb_build_array(" + UID + "(10000000 + g % 200000), " + UID + "(10000000 + (g + 1) % 200000), "
                        + UID + "(10000000 + (g + 2) % 200000))), 'client_job_id', g), "
                        + "(ARRAY['finished', 'failed', 'running'])[1 + g % 3], w.dag_id || '-' || g, "
                        + "'Job of ' || w.workflow_name, w.username, "
                        + "timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second', "
                        + "timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second', false, false, 1, w.workflow_id "
                        + "FROM generate_series(1, 1000000) g JOIN workflow w ON w.workflow_id = 'wf-' || (1 + g % 100000)",
                "SELECT setval('job_id_seq', 1000000)");
    }

    private static void run(Connection c, String... statements) throws SQLException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL session_replication_role = replica");
            for (String sql : statements) {
                st.execute(sql);
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }
}
