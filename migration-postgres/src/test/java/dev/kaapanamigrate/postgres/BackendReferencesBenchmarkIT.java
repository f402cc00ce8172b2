package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ProjectList;
import static dev.kaapanamigrate.postgres.BackendDatabases.execute;
import static dev.kaapanamigrate.postgres.BackendDatabases.string;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.testkit.InstallationSize;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.SimulatedPlatform;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Time and WAL of {@code postgres.rewrite-backend-references} on many jobs (the generated jobs copied until there are
 * {@code -Dkaapana.bench.jobs} of them, 675,000 by default), against the raw-client baseline in the same run: one naive
 * {@code UPDATE} of every job's project form on a copy of the database. The platform's own server (PostgreSQL defaults,
 * {@code wal_level=replica}), as when the caller brings its own connections. Off unless {@code -Dkaapana.bench=true}:
 * {@code mvn -B -o -pl migration-postgres verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=BackendReferencesBenchmarkIT -Dkaapana.bench=true}.
 */
@KaapanaInstallation(size = InstallationSize.SMALL)
@EnabledIfSystemProperty(named = "kaapana.bench", matches = "true")
class BackendReferencesBenchmarkIT {

    @Test
    void rewritesOnlyWhatNeedsItAndASecondRunWritesNothing(SimulatedPlatform platform) throws Exception {
        platform.startSource();
        DataSource backend = platform.dataSource(KaapanaDatabase.BACKEND);
        int target = Integer.getInteger("kaapana.bench.jobs", 675_000);
        int generated = Integer.parseInt(string(backend, "SELECT count(*) FROM job"));
        int copies = Math.max(0, target / generated - 1);
        long t0 = System.nanoTime();
        execute(backend, "INSERT INTO job (dag_id, external_job_id, owner_kaapana_instance_name, conf_data, status, run_id, "
                + "description, username, time_created, time_updated, automatic_execution, service_job, kaapana_id, workflow_id) "
                + "SELECT dag_id, external_job_id, owner_kaapana_instance_name, conf_data, status, run_id, description, username, "
                + "time_created, time_updated, automatic_execution, service_job, kaapana_id, workflow_id FROM job, "
                + "generate_series(1, " + copies + ")");
        execute(backend, "VACUUM ANALYZE job");
        execute(backend, "CHECKPOINT");
        long jobs = Long.parseLong(string(backend, "SELECT count(*) FROM job"));
        System.out.printf("benchmark: %,d jobs loaded in %.1f s, job table %s%n", jobs, (System.nanoTime() - t0) / 1e9,
                string(backend, "SELECT pg_size_pretty(pg_total_relation_size('job'))"));

        ProjectList projects = BackendDatabases.projectList(platform.dataSource(KaapanaDatabase.ACCESS_INFORMATION));
        // The raw-client baseline, on a copy: one naive UPDATE of every job's project form.
        DataSource copy = BackendDatabases.copyOf(backend, "backend_naive");
        execute(copy, "CHECKPOINT");
        Map<String, String> uuids = new java.util.LinkedHashMap<>();
        projects.projects().forEach(p -> uuids.put(String.valueOf(p.oldId()), p.id().toString()));
        String naiveLsn = string(copy, "SELECT pg_current_wal_lsn()::text");
        long n0 = System.nanoTime();
        String naiveRows = string(copy, "WITH u AS (UPDATE job j SET conf_data = jsonb_set(jsonb_set(j.conf_data, "
                + "'{project_form,int_id}', j.conf_data->'project_form'->'id'), '{project_form,id}', "
                + "?::jsonb -> (j.conf_data->'project_form'->>'id')) WHERE jsonb_typeof(j.conf_data->'project_form') = "
                + "'object' RETURNING 1) SELECT count(*) FROM u", new com.fasterxml.jackson.databind.ObjectMapper()
                .writeValueAsString(uuids));
        double naiveSeconds = (System.nanoTime() - n0) / 1e9;
        String naiveWal = string(copy, "SELECT pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), ?::pg_lsn))", naiveLsn);
        System.out.printf("benchmark: naive UPDATE of every job (raw-client baseline): %s rows in %.2f s, WAL %s%n",
                naiveRows, naiveSeconds, naiveWal);
        execute(backend, "CHECKPOINT");

        MigrationContext ctx = MigrationContext.standalone();
        ctx.put(ProjectList.KEY, projects);
        BackendReferencesStep step = new BackendReferencesStep(BackendDatabases.connections(platform),
                BackendReferencesOptions.defaults());

        long c0 = System.nanoTime();
        StepCheck check = step.check(ctx);
        double checkSeconds = (System.nanoTime() - c0) / 1e9;
        long t1 = System.nanoTime();
        long first = run(backend, step, ctx, "first apply");
        double stepSeconds = (System.nanoTime() - t1) / 1e9;
        System.out.printf("benchmark: first apply against the naive UPDATE: ratio %.2f%n", stepSeconds / naiveSeconds);
        assertThat(first).isEqualTo(check.changes().stream().mapToLong(Change::count).sum());
        long c1 = System.nanoTime();
        assertThat(step.check(ctx)).isInstanceOf(StepCheck.UpToDate.class);
        double recheckSeconds = (System.nanoTime() - c1) / 1e9;
        long second = run(backend, step, ctx, "second apply");
        assertThat(second).isZero();
        System.out.printf("benchmark: check %.2f s (pending %,d rows), check when up to date %.2f s%n", checkSeconds, first,
                recheckSeconds);
        assertThat(step.verify(ctx).passed()).isTrue();
    }

    private static long run(DataSource backend, BackendReferencesStep step, MigrationContext ctx, String what)
            throws Exception {
        String lsn = string(backend, "SELECT pg_current_wal_lsn()::text");
        long t = System.nanoTime();
        List<Change> changes = step.apply(ctx);
        double seconds = (System.nanoTime() - t) / 1e9;
        String wal = string(backend, "SELECT pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), ?::pg_lsn))", lsn);
        long rows = changes.stream().mapToLong(Change::count).sum();
        System.out.printf("benchmark: %s: %,d rows in %.2f s, WAL %s%n", what, rows, seconds, wal);
        return rows;
    }
}
