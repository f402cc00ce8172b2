package dev.kaapanamigrate.testkit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kaapanamigrate.testkit.InstallationModel;
import dev.kaapanamigrate.testkit.InstallationModel.Job;
import dev.kaapanamigrate.testkit.InstallationModel.Project;
import dev.kaapanamigrate.testkit.InstallationModel.Series;
import dev.kaapanamigrate.testkit.InstallationModel.Site;
import dev.kaapanamigrate.testkit.InstallationModel.User;
import dev.kaapanamigrate.testkit.InstallationModel.Workflow;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.IntFunction;

/**
 * Fills freshly created databases with the 0.4.2 schema (the DDL of the reference dumps, as the services'
 * table auto-creation made it) and the model's data, streaming every large table through COPY.
 */
public final class DatabaseLoader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final InstallationModel model;

    /**
     * Creates a loader.
     *
     * @param model the data to load
     */
    public DatabaseLoader(InstallationModel model) {
        this.model = model;
    }

    /**
     * Loads the access-information database.
     *
     * @param c a connection as the database's owner
     * @throws SQLException on failure
     */
    public void loadAccessInformation(Connection c) throws SQLException {
        inTransaction(c, () -> {
            Script schema = script("0.4.2-aii.sql");
            execute(c, schema.pre());
            CopyIn.copy(c, "rights(id, description, name, claim_key, claim_value)", List.<Object[]>of(
                    new Object[]{1, "User gets full access to OpenSearch", "opensearch_access", "opensearch", "admin_project"},
                    new Object[]{2, "User gets full access to Minio", "minio_access", "policy", "admin_project"}).iterator());
            CopyIn.copy(c, "roles(id, description, name)", List.<Object[]>of(new Object[]{1, "Admin role", "admin"}).iterator());
            CopyIn.copy(c, "roles_rights(id, role_id, right_id)",
                    List.<Object[]>of(new Object[]{1, 1, 1}, new Object[]{2, 1, 2}).iterator());
            List<Object[]> projects = new ArrayList<>();
            for (Project p : model.projects()) {
                projects.add(new Object[]{p.id(), p.externalId(), p.name(), p.description(), p.namespace(), p.bucket(), p.index()});
            }
            CopyIn.copy(c, "projects(id, external_id, name, description, kubernetes_namespace, s3_bucket, opensearch_index)",
                    projects.iterator());
            List<Object[]> mappings = new ArrayList<>();
            for (User u : model.users()) {
                for (int projectId : u.projectIds()) {
                    mappings.add(new Object[]{mappings.size() + 1, projectId, 1, u.keycloakId()});
                }
            }
            CopyIn.copy(c, "users_projects_roles(id, project_id, role_id, keycloak_id)", mappings.iterator());
            syncSequences(c, "projects", "rights", "roles", "roles_rights", "users_projects_roles");
            execute(c, schema.post());
        });
    }

    /**
     * Loads the dicom-web-filter database: every series, mapped to project 1 and to its own project.
     *
     * @param c a connection as the database's owner
     * @throws SQLException on failure
     */
    public void loadDicomWebFilter(Connection c) throws SQLException {
        inTransaction(c, () -> {
            Script schema = script("0.4.2-dwf.sql");
            execute(c, schema.pre());
            int seriesCount = model.spec().series();
            CopyIn.copy(c, "dicom_data(series_instance_uid, study_instance_uid, description)", rows(seriesCount, i -> {
                Series s = model.series(i);
                return new Object[]{s.uid(), s.studyUid(), "Dicom data"};
            }));
            CopyIn.copy(c, "data_projects(series_instance_uid, project_id)", flatRows(seriesCount, i -> {
                Series s = model.series(i);
                return s.projectId() == 1 ? List.<Object[]>of(new Object[]{s.uid(), 1})
                        : List.<Object[]>of(new Object[]{s.uid(), 1}, new Object[]{s.uid(), s.projectId()});
            }));
            execute(c, schema.post());
        });
    }

    /**
     * Loads the kaapana-backend database.
     *
     * @param c a connection as the database's owner
     * @throws SQLException on failure
     */
    public void loadBackend(Connection c) throws SQLException {
        inTransaction(c, () -> {
            Script schema = script("0.4.2-backend.sql");
            execute(c, schema.pre());
            try (Statement st = c.createStatement()) {
                st.execute("INSERT INTO alembic_version(version_num) VALUES ('" + model.backendRevision() + "')");
            }
            List<Object[]> sites = new ArrayList<>();
            for (Site s : model.sites()) {
                Map<String, Object> dags = new LinkedHashMap<>();
                s.allowedDags().forEach(d -> dags.put(d, Map.of("dag_id", d)));
                sites.add(new Object[]{s.id(), s.name(), token(s.id()), s.remote(), "https", s.host(), 443, true,
                        "deactivated", "deactivated", json(dags), json(s.allowedDatasets()), ts(Instant.EPOCH), ts(Instant.EPOCH),
                        false, s.remote(), null});
            }
            CopyIn.copy(c, "kaapana_instance(id, instance_name, token, remote, protocol, host, port, ssl_check, fernet_key, "
                    + "encryption_key, allowed_dags, allowed_datasets, time_created, time_updated, automatic_update, "
                    + "automatic_workflow_execution, workflow_in_which_involved)", sites.iterator());
            List<Object[]> settings = new ArrayList<>();
            for (User u : model.users()) {
                settings.add(new Object[]{settings.size() + 1, u.username(), InstallationModel.LOCAL_SITE, "workflows",
                        json(model.workflowSettings(u)), ts(Instant.EPOCH), ts(Instant.EPOCH), 1});
            }
            CopyIn.copy(c, "settings(id, username, instance_name, key, value, time_created, time_updated, kaapana_instance_id)",
                    settings.iterator());
            List<Object[]> datasets = new ArrayList<>();
            model.datasets().forEach(d -> datasets.add(new Object[]{d.name(), d.username(), ts(d.created()), ts(d.created()), 1}));
            CopyIn.copy(c, "dataset(name, username, time_created, time_updated, kaapana_id)", datasets.iterator());
            int seriesCount = model.spec().series();
            CopyIn.copy(c, "identifiers(id)", rows(seriesCount, i -> new Object[]{model.series(i).uid()}));
            CopyIn.copy(c, "identifier2dataset(identifier, dataset)", flatRows(seriesCount, i -> {
                Series s = model.series(i);
                List<Object[]> memberships = new ArrayList<>(s.datasets().size());
                s.datasets().forEach(d -> memberships.add(new Object[]{s.uid(), d}));
                return memberships;
            }));
            CopyIn.copy(c, "workflow(workflow_id, workflow_name, dag_id, username, time_created, time_updated, "
                    + "automatic_execution, service_workflow, federated, kaapana_id, involved_kaapana_instances)",
                    rows(model.spec().workflows(), i -> {
                        Workflow w = model.workflow(i);
                        return new Object[]{w.workflowId(), w.name(), w.dagId(), w.username(), ts(w.created()), ts(w.created()),
                                false, false, false, 1, "[\"" + InstallationModel.LOCAL_SITE + "\"]"};
                    }));
            CopyIn.copy(c, "job(id, dag_id, external_job_id, owner_kaapana_instance_name, conf_data, status, run_id, "
                    + "description, username, time_created, time_updated, automatic_execution, service_job, kaapana_id, workflow_id)",
                    rows(model.spec().jobs(), i -> {
                        Job j = model.job(i + 1);
                        return new Object[]{j.id(), j.workflow().dagId(), null, InstallationModel.LOCAL_SITE, json(conf(j)),
                                j.status(), j.runId(), "Job of " + j.workflow().name(), j.workflow().username(),
                                ts(j.created()), ts(j.created()), false, false, 1, j.workflow().workflowId()};
                    }));
            syncSequences(c, "job", "kaapana_instance", "settings"); // settings.id is an identity column: same call
            execute(c, schema.post());
        });
    }

    /**
     * Fills a database of a service whose data only moves (Airflow, Keycloak) with a marker table that
     * tests read back after the move.
     *
     * @param c       a connection as the database's owner
     * @param service the service name, written into the marker
     * @throws SQLException on failure
     */
    public void loadMarker(Connection c, String service) throws SQLException {
        inTransaction(c, () -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE kaapana_migrate_marker (id integer PRIMARY KEY, service text NOT NULL, "
                        + "content text NOT NULL)");
            }
            CopyIn.copy(c, "kaapana_migrate_marker(id, service, content)", rows(100,
                    i -> new Object[]{i, service, "row " + i + " of " + service + " seed " + model.spec().seed() + " ✓"}));
        });
    }

    /** The stored form of a job's conf_data, as the 0.4.2 backend writes it. */
    private Map<String, Object> conf(Job j) {
        Project p = model.project(j.projectId());
        Map<String, Object> workflowForm = new LinkedHashMap<>();
        workflowForm.put("username", j.workflow().username());
        workflowForm.put("workflow_id", j.workflow().workflowId());
        workflowForm.put("workflow_name", j.workflow().name());
        workflowForm.put("involved_instances", List.of(InstallationModel.LOCAL_SITE));
        workflowForm.put("runner_instances", List.of(InstallationModel.LOCAL_SITE));
        if (j.workflow().dagId().equals("validate-dicoms")) {
            workflowForm.put("exit_on_error", false);
            workflowForm.put("validator_algorithm", "dicom-validator");
        }
        Map<String, Object> projectForm = new LinkedHashMap<>();
        projectForm.put("id", p.id());
        projectForm.put("external_id", p.externalId());
        projectForm.put("name", p.name());
        projectForm.put("description", p.description());
        projectForm.put("kubernetes_namespace", p.namespace());
        projectForm.put("s3_bucket", p.bucket());
        projectForm.put("opensearch_index", p.index());
        Map<String, Object> dataForm = new LinkedHashMap<>();
        dataForm.put("dataset_name", j.datasetName());
        dataForm.put("identifiers", j.identifiers());
        Map<String, Object> conf = new LinkedHashMap<>();
        conf.put("workflow_form", workflowForm);
        conf.put("project_form", projectForm);
        conf.put("data_form", dataForm);
        if (j.withFormData()) {
            conf.put("form_data", workflowForm);
        }
        conf.put("client_job_id", j.id());
        return conf;
    }

    private String token(int siteId) {
        return String.format("%032x", siteId * 0x9E3779B97F4A7C15L ^ model.spec().seed());
    }

    /** ISO-8601 with offset, which PostgreSQL reads the same in any session time zone. */
    private static String ts(Instant t) {
        return t.toString();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The statements of a schema dump, split like pg_restore's sections: {@code pre} creates tables and
     * sequences, {@code post} adds constraints and indexes. Loading between the two builds each index once
     * and checks each foreign key with one query, instead of per row.
     */
    private record Script(String pre, String post) {
    }

    private static Script script(String name) {
        StringBuilder pre = new StringBuilder();
        StringBuilder post = new StringBuilder();
        for (String statement : readScript(name).split(";\\s*\\n")) {
            if (statement.isBlank()) {
                continue;
            }
            boolean postData = statement.contains("ADD CONSTRAINT") || statement.startsWith("CREATE INDEX")
                    || statement.startsWith("CREATE UNIQUE INDEX");
            (postData ? post : pre).append(statement).append(";\n");
        }
        return new Script(pre.toString(), post.toString());
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static String readScript(String name) {
        String ddl;
        try (InputStream in = DatabaseLoader.class.getResourceAsStream("/dev/kaapanamigrate/testkit/schemas/" + name)) {
            if (in == null) {
                throw new IllegalStateException("schema resource " + name + " is missing from the testkit jar");
            }
            ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ddl.strip() + "\n";
    }

    private static void syncSequences(Connection c, String... tables) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String table : tables) {
                // As after inserts through the services: the sequence continues after the highest id.
                st.execute("SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), (SELECT max(id) FROM " + table + "))");
            }
        }
    }

    @FunctionalInterface
    private interface SqlWork {
        void run() throws SQLException;
    }

    private static void inTransaction(Connection c, SqlWork work) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            work.run();
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private static Iterator<Object[]> rows(int count, IntFunction<Object[]> row) {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < count;
            }

            @Override
            public Object[] next() {
                if (next >= count) {
                    throw new NoSuchElementException();
                }
                return row.apply(next++);
            }
        };
    }

    private static Iterator<Object[]> flatRows(int count, IntFunction<List<Object[]>> rowsOf) {
        return new Iterator<>() {
            private int next;
            private Iterator<Object[]> current = java.util.Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && next < count) {
                    current = rowsOf.apply(next++).iterator();
                }
                return current.hasNext();
            }

            @Override
            public Object[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }
}
