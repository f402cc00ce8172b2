package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ServiceDatabase;
import static dev.kaapanamigrate.postgres.BackendDatabases.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.PreconditionFailedException;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.postgres.internal.StoredPassword;
import dev.kaapanamigrate.testkit.InstallationSize;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.SimulatedPlatform;
import dev.kaapanamigrate.testkit.StandardError;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@code postgres.align-role-passwords} on the access-information and dicom-web-filter databases of a generated
 * 0.4.2 installation (servers with scram-sha-256 host rules). The step connects as a second superuser, so the
 * tests can give {@code kaapanauser} any password, md5 included, and still reach the database.
 */
@KaapanaInstallation(size = InstallationSize.SMALL)
class RolePasswordIT {

    private static final String ADMIN = "kaapana_migrate_admin";
    private static final String ADMIN_PASSWORD = "admin-pw-for-tests";
    private static final String SECRET = "S3cret-Kx9!";
    private static final String DEFAULT = "Kaapana2020";

    static SimulatedPlatform platform;
    static Map<KaapanaDatabase, DataSource> admin;
    static DatabaseConnections connections;

    @BeforeAll
    static void start(SimulatedPlatform simulated) throws Exception {
        platform = simulated;
        platform.startSource();
        admin = Map.of(KaapanaDatabase.ACCESS_INFORMATION, adminDataSource(KaapanaDatabase.ACCESS_INFORMATION),
                KaapanaDatabase.DICOM_WEB_FILTER, adminDataSource(KaapanaDatabase.DICOM_WEB_FILTER));
        connections = DatabaseConnections.of(Map.of(
                ServiceDatabase.ACCESS_INFORMATION, admin.get(KaapanaDatabase.ACCESS_INFORMATION),
                ServiceDatabase.DICOM_WEB_FILTER, admin.get(KaapanaDatabase.DICOM_WEB_FILTER)));
    }

    private static DataSource adminDataSource(KaapanaDatabase db) throws SQLException {
        PGSimpleDataSource owner = (PGSimpleDataSource) platform.dataSource(db);
        execute(owner, "CREATE ROLE " + ADMIN + " SUPERUSER LOGIN PASSWORD '" + ADMIN_PASSWORD + "'");
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(owner.getServerNames());
        ds.setPortNumbers(owner.getPortNumbers());
        ds.setDatabaseName(owner.getDatabaseName());
        ds.setUser(ADMIN);
        ds.setPassword(ADMIN_PASSWORD);
        return ds;
    }

    @BeforeEach
    void defaultPasswords() throws SQLException {
        setPassword(KaapanaDatabase.ACCESS_INFORMATION, "scram-sha-256", DEFAULT);
        setPassword(KaapanaDatabase.DICOM_WEB_FILTER, "scram-sha-256", DEFAULT);
    }

    private static void setPassword(KaapanaDatabase db, String encryption, String password) throws SQLException {
        try (Connection c = admin.get(db).getConnection(); var st = c.createStatement()) {
            st.execute("SET password_encryption = '" + encryption + "'");
            st.execute("ALTER ROLE kaapanauser PASSWORD '" + password + "'");
        }
    }

    private static String verifier(KaapanaDatabase db) throws SQLException {
        return BackendDatabases.string(admin.get(db), "SELECT rolpassword FROM pg_authid WHERE rolname = 'kaapanauser'");
    }

    @Test
    void theDefaultPasswordPasses() {
        RolePasswordStep step = new RolePasswordStep(connections, RolePasswordOptions.defaults());
        MigrationContext ctx = MigrationContext.standalone();

        StepCheck check = step.check(ctx);

        assertThat(check).isInstanceOf(StepCheck.UpToDate.class);
        assertThat(((StepCheck.UpToDate) check).detail()).contains("access-information", "dicom-web-filter");
        assertThat(step.apply(ctx)).isEmpty();
        assertThat(step.verify(ctx).passed()).isTrue();
    }

    @Test
    void aChangedScramPasswordBlocksWithBothFixesAndChangesNothing() throws Exception {
        setPassword(KaapanaDatabase.ACCESS_INFORMATION, "scram-sha-256", SECRET);
        String before = verifier(KaapanaDatabase.ACCESS_INFORMATION);
        RolePasswordStep step = new RolePasswordStep(connections, RolePasswordOptions.defaults());
        MigrationContext ctx = MigrationContext.standalone();
        List<String> output = new ArrayList<>();

        String log = StandardError.capturing(() -> {
            StepCheck check = step.check(ctx);
            assertThat(check).isInstanceOf(StepCheck.Blocked.class);
            var problem = ((StepCheck.Blocked) check).problem();
            output.add(problem.message());
            assertThat(problem.found()).contains("access-information", "SCRAM-SHA-256 verifier of another password",
                    "cannot log in", "nothing was changed").doesNotContain("dicom-web-filter");
            assertThat(problem.fix()).contains("withReset(true)", "override the database password values");
            Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> step.apply(ctx));
            assertThat(refused).isInstanceOf(PreconditionFailedException.class);
            output.add(refused.getMessage());
            Verification v = step.verify(ctx);
            assertThat(v.passed()).isFalse();
            output.add(v.toString());
            return null;
        });
        output.add(log);
        assertThat(log).as("the warning was captured").contains("Role passwords");

        assertThat(verifier(KaapanaDatabase.ACCESS_INFORMATION)).isEqualTo(before);
        assertNoSecretIn(output, before);
        assertThatThrownBy(() -> platform.dataSource(KaapanaDatabase.ACCESS_INFORMATION).getConnection())
                .as("0.5 (password %s) cannot log in", DEFAULT).isInstanceOf(SQLException.class);
    }

    @Test
    void aConnectionThatIsNoSuperuserIsRefusedUpFrontWithNothingChanged() throws Exception {
        PGSimpleDataSource owner = (PGSimpleDataSource) platform.dataSource(KaapanaDatabase.ACCESS_INFORMATION);
        execute(owner, "DO $$ BEGIN CREATE ROLE kaapana_migrate_plain NOSUPERUSER LOGIN PASSWORD 'plain-pw'; "
                + "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        PGSimpleDataSource plain = new PGSimpleDataSource();
        plain.setServerNames(owner.getServerNames());
        plain.setPortNumbers(owner.getPortNumbers());
        plain.setDatabaseName(owner.getDatabaseName());
        plain.setUser("kaapana_migrate_plain");
        plain.setPassword("plain-pw");
        setPassword(KaapanaDatabase.ACCESS_INFORMATION, "md5", DEFAULT);
        String before = verifier(KaapanaDatabase.ACCESS_INFORMATION);
        RolePasswordStep step = new RolePasswordStep(DatabaseConnections.of(Map.of(ServiceDatabase.ACCESS_INFORMATION,
                plain)), RolePasswordOptions.defaults().withReset(true).withDatabases(List.of(ServiceDatabase.ACCESS_INFORMATION)));
        MigrationContext ctx = MigrationContext.standalone();

        StepCheck check = step.check(ctx);

        assertThat(check).isInstanceOfSatisfying(StepCheck.Blocked.class, b -> {
            assertThat(b.problem().code()).isEqualTo(PostgresErrorCode.INSUFFICIENT_PRIVILEGES);
            assertThat(b.problem().found()).contains("the connection to the access-information database logs in as role "
                    + "'kaapana_migrate_plain', which is no superuser", "nothing was changed");
            assertThat(b.problem().expected()).contains("a superuser", "pg_authid", "ALTER ROLE");
            assertThat(b.problem().fix()).contains("logs in as kaapanauser (or another superuser)");
        });
        assertThatThrownBy(() -> step.apply(ctx)).isInstanceOfSatisfying(PreconditionFailedException.class,
                e -> assertThat(e.code()).isEqualTo(PostgresErrorCode.INSUFFICIENT_PRIVILEGES));
        assertThat(step.verify(ctx).passed()).isFalse();
        assertThat(verifier(KaapanaDatabase.ACCESS_INFORMATION)).as("nothing changed").isEqualTo(before);
    }

    @Test
    void anMd5PasswordIsDetectedEvenWhenItIsTheDefaultOne() throws Exception {
        setPassword(KaapanaDatabase.DICOM_WEB_FILTER, "md5", SECRET);
        setPassword(KaapanaDatabase.ACCESS_INFORMATION, "md5", DEFAULT);
        String dwf = verifier(KaapanaDatabase.DICOM_WEB_FILTER);
        assertThat(dwf).startsWith("md5");
        RolePasswordStep step = new RolePasswordStep(connections, RolePasswordOptions.defaults());

        StepCheck check = step.check(MigrationContext.standalone());

        assertThat(check).isInstanceOf(StepCheck.Blocked.class);
        var problem = ((StepCheck.Blocked) check).problem();
        assertThat(problem.found()).contains("1) role kaapanauser of the access-information database has an md5 hash of the "
                + "expected password", "2) role kaapanauser of the dicom-web-filter database has an md5 hash of another password");
        assertThat(problem.fix()).contains("1) either turn the reset on", "password_encryption = 'scram-sha-256'",
                "2) either turn the reset on", "override the database password values");
        assertNoSecretIn(List.of(problem.message()), dwf);
    }

    @Test
    void theResetSetsAVerifierOfTheDefaultPasswordAndServicesLogInAgain() throws Exception {
        setPassword(KaapanaDatabase.ACCESS_INFORMATION, "scram-sha-256", SECRET);
        setPassword(KaapanaDatabase.DICOM_WEB_FILTER, "md5", SECRET);
        String aiiBefore = verifier(KaapanaDatabase.ACCESS_INFORMATION);
        String dwfBefore = verifier(KaapanaDatabase.DICOM_WEB_FILTER);
        RolePasswordStep step = new RolePasswordStep(connections, RolePasswordOptions.defaults().withReset(true));
        MigrationContext dryRun = MigrationContext.standalone(java.time.Clock.systemUTC(), dev.kaapanamigrate.core.IdSource.random(),
                dev.kaapanamigrate.core.PlatformState.UNDEPLOYED, true);
        MigrationContext ctx = MigrationContext.standalone();
        List<String> output = new ArrayList<>();

        String log = StandardError.capturing(() -> {
            StepCheck check = step.check(dryRun);
            assertThat(check.changes()).extracting(Change::target).containsExactly(
                    "access-information role kaapanauser password", "dicom-web-filter role kaapanauser password");
            assertThat(verifier(KaapanaDatabase.ACCESS_INFORMATION)).as("a dry-run changes nothing").isEqualTo(aiiBefore);
            List<Change> applied = step.apply(ctx);
            assertThat(applied).isEqualTo(check.changes());
            Verification v = step.verify(ctx);
            assertThat(v.passed()).as(v.describeFailures()).isTrue();
            assertThat(step.check(ctx)).isInstanceOf(StepCheck.UpToDate.class);
            assertThat(step.apply(ctx)).isEmpty();
            check.changes().forEach(c -> output.add(c.describe()));
            applied.forEach(c -> output.add(c.describe()));
            output.add(v.toString());
            return null;
        });
        output.add(log);
        assertThat(log).as("the reset was logged and captured").contains("Reset the password of role kaapanauser");

        for (KaapanaDatabase db : List.of(KaapanaDatabase.ACCESS_INFORMATION, KaapanaDatabase.DICOM_WEB_FILTER)) {
            String now = verifier(db);
            assertThat(StoredPassword.judge(now, "kaapanauser", DEFAULT.toCharArray())).isEqualTo(StoredPassword.SCRAM_MATCHES);
            output.forEach(o -> assertThat(o).doesNotContain(now));
            try (Connection c = platform.dataSource(db).getConnection()) {   // kaapanauser / Kaapana2020 over TCP, scram
                assertThat(c.isValid(5)).isTrue();
            }
        }
        assertNoSecretIn(output, aiiBefore);
        assertNoSecretIn(output, dwfBefore);
    }

    /** A password the server stores, a candidate the client checks, and what the check must say. */
    private record NonAscii(String encryption, String stored, String candidate, StoredPassword verdict) {
    }

    @Test
    void nonAsciiPasswordsVerifyExactlyAsPostgresqlStoresThem() throws Exception {
        List<NonAscii> cases = List.of(
                // SASLprep (RFC 4013) maps a non-breaking space to a space, drops a soft hyphen, and normalises to NFKC.
                new NonAscii("scram-sha-256", "pass word", "pass\u00A0word", StoredPassword.SCRAM_MATCHES),
                new NonAscii("scram-sha-256", "pass\u00A0word", "pass word", StoredPassword.SCRAM_MATCHES),
                new NonAscii("scram-sha-256", "pass\u00ADword", "password", StoredPassword.SCRAM_MATCHES),
                new NonAscii("scram-sha-256", "caf\u00E9-2020", "cafe\u0301-2020", StoredPassword.SCRAM_MATCHES),
                new NonAscii("scram-sha-256", "cafe\u0301-2020", "caf\u00E9-2020", StoredPassword.SCRAM_MATCHES),
                new NonAscii("scram-sha-256", "caf\u00E9-2020", "cafe-2020", StoredPassword.SCRAM_OTHER),
                // A character SASLprep prohibits (a control character): PostgreSQL then uses the password as it is,
                // without mapping the non-breaking space either.
                new NonAscii("scram-sha-256", "bell\u0007\u00A0x", "bell\u0007\u00A0x", StoredPassword.SCRAM_MATCHES),
                new NonAscii("scram-sha-256", "bell\u0007\u00A0x", "bell\u0007 x", StoredPassword.SCRAM_OTHER),
                // md5 hashes the bytes as they are: no normalisation.
                new NonAscii("md5", "caf\u00E9-2020", "caf\u00E9-2020", StoredPassword.MD5_MATCHES),
                new NonAscii("md5", "caf\u00E9-2020", "cafe\u0301-2020", StoredPassword.MD5_OTHER));
        for (int i = 0; i < cases.size(); i++) {
            NonAscii c = cases.get(i);
            setPassword(KaapanaDatabase.ACCESS_INFORMATION, c.encryption(), c.stored());
            String stored = verifier(KaapanaDatabase.ACCESS_INFORMATION);   // computed by the server
            // The descriptions name the case's number only: neither password nor verifier appears in any output.
            assertThat(StoredPassword.judge(stored, "kaapanauser", c.candidate().toCharArray()))
                    .as("case %d: the candidate against the server's verifier", i).isEqualTo(c.verdict());
            assertThat(StoredPassword.judge(stored, "kaapanauser", c.stored().toCharArray()))
                    .as("case %d: the stored password itself", i)
                    .isEqualTo(c.encryption().equals("md5") ? StoredPassword.MD5_MATCHES : StoredPassword.SCRAM_MATCHES);
        }
    }

    private static void assertNoSecretIn(List<String> output, String verifier) {
        assertThat(output).isNotEmpty().allSatisfy(o -> assertThat(o)
                .doesNotContain(SECRET, DEFAULT, verifier, "SCRAM-SHA-256$", ADMIN_PASSWORD));
    }


}
