package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PreconditionFailedException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.postgres.internal.Finding;
import dev.kaapanamigrate.postgres.internal.StoredPassword;
import dev.kaapanamigrate.postgres.internal.Privileges;
import dev.kaapanamigrate.postgres.internal.Sql;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Objects;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementException;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure Kaapana 0.5's services can log in to the access-information and dicom-web-filter databases: 0.5
 * hard-codes the password of their role {@code kaapanauser}, which 0.4 let the installer choose (migration
 * reference §3). The step reads the role's stored verifier ({@code pg_authid.rolpassword}; the connection is the
 * database superuser) and checks it client-side against 0.5's password, for SCRAM-SHA-256 and md5 verifiers. It
 * never logs in with a password to find out (a trust rule would let any password in) and never sends, logs or
 * reports a password or a verifier.
 * <ul>
 *   <li>A SCRAM-SHA-256 verifier of 0.5's password: up to date.</li>
 *   <li>Anything else (another password, an md5 hash, which 0.5's {@code scram-sha-256} host rule rejects even for
 *   the right password, no password): <b>blocked</b> by default, with a problem naming both fixes: turn the reset
 *   on ({@link RolePasswordOptions#withReset(boolean)}), or keep the password and override the 0.5 chart values
 *   with it. With the reset on, pending: apply sets 0.5's password with a SCRAM-SHA-256 verifier computed in this
 *   process ({@link PGConnection#alterUserPassword(String, char[], String)}), so the plain password never reaches
 *   the server or its statement log.</li>
 * </ul>
 * After a reset, data sources that log in as the role with the old password stop working; put this step after
 * the other steps that use these databases. One transaction per database.
 *
 * <pre>{@code
 * plan.step(new RolePasswordStep(connections, RolePasswordOptions.defaults().withReset(true)));
 * }</pre>
 */
public final class RolePasswordStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "postgres.align-role-passwords";

    private static final Logger LOG = LoggerFactory.getLogger(RolePasswordStep.class);

    /** The password Kaapana 0.5.x charts hard-code for the access-information and dicom-web-filter role. */
    private static final String KAAPANA_05_PASSWORD = "Kaapana2020";

    private final DatabaseConnections connections;
    private final RolePasswordOptions options;

    /**
     * Creates the step.
     *
     * @param connections where the databases are reached (as their superuser)
     * @param options     whether to reset, which databases
     */
    public RolePasswordStep(DatabaseConnections connections, RolePasswordOptions options) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Check that the role passwords of " + names() + " are the one Kaapana 0.5 uses"
                + (options.reset() ? ", and reset them where not" : "");
    }


    @Override
    public StepCheck check(MigrationContext ctx) {
        return Sql.blockedWhenUnreachable(() -> checkConnected(ctx));
    }

    private StepCheck checkConnected(MigrationContext ctx) {
        List<Finding> missing = new ArrayList<>();
        List<Change> resets = new ArrayList<>();
        List<Finding> different = new ArrayList<>();
        List<String> fine = new ArrayList<>();
        for (ServiceDatabase db : options.databases()) {
            Judged j = judge(db, ctx);
            if (j.denied != null) {
                LOG.debug("Role passwords: {}", j.denied.message());
                return new StepCheck.Blocked(j.denied);
            }
            if (j.verdict == null) {
                missing.add(new Finding("the " + db.stableName() + " database has no role " + db.superuser(),
                        "the role Kaapana's services log in as", "check that the data source points at Kaapana's "
                        + db.stableName() + " database"));
            } else if (j.verdict.accepted()) {
                fine.add(db.stableName());
            } else if (options.reset()) {
                resets.add(change(db, j.verdict));
            } else {
                different.add(finding(db, j.verdict));
            }
        }
        if (!missing.isEmpty() || !different.isEmpty()) {
            List<Finding> all = new ArrayList<>(missing);
            all.addAll(different);
            Problem p = Finding.problem(all, "nothing was changed");
            LOG.warn("Role passwords: {}", p.message());
            return new StepCheck.Blocked(p);
        }
        if (!resets.isEmpty()) {
            return StepCheck.pending(resets);
        }
        return StepCheck.upToDate("role " + options.databases().get(0).superuser() + " of " + String.join(", ", fine)
                + " has a SCRAM-SHA-256 verifier of the password Kaapana 0.5 uses");
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        List<Change> changes = new ArrayList<>();
        int done = 0;
        for (ServiceDatabase db : options.databases()) {
            Change c = Sql.write(connections.jdbi(db, ctx), db.stableName(), "role password check and reset", h -> {
                        Optional<Problem> denied = Privileges.superuserProblem(h, db);
                        if (denied.isPresent()) {
                            throw new PreconditionFailedException(denied.get());
                        }
                        StoredPassword verdict = read(h, db);
                        if (verdict == null || verdict.accepted()) {
                            return null;
                        }
                        if (!options.reset()) {
                            throw new PreconditionFailedException(Finding.problem(List.of(finding(db, verdict)),
                                    "nothing was changed"));
                        }
                        char[] password = KAAPANA_05_PASSWORD.toCharArray();
                        try {
                            h.getConnection().unwrap(PGConnection.class).alterUserPassword(db.superuser(), password,
                                    "scram-sha-256");
                        } finally {
                            Arrays.fill(password, '\0');
                        }
                        StoredPassword now = read(h, db);
                        if (now != StoredPassword.SCRAM_MATCHES) {
                            throw new SQLException("the new verifier of role " + db.superuser() + " is "
                                    + (now == null ? "missing" : now.description()));
                        }
                        LOG.info("Reset the password of role {} in the {} database to the one Kaapana 0.5 uses (was {})",
                                db.superuser(), db.stableName(), verdict.description());
                        return change(db, verdict);
                    });
            if (c != null) {
                changes.add(c);
            }
            ctx.progress(++done, options.databases().size(), "databases");
        }
        return changes;
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        Verification.Builder v = Verification.builder();
        for (ServiceDatabase db : options.databases()) {
            Judged j = judge(db, ctx);
            v.fact("role " + db.superuser() + " of the " + db.stableName() + " database accepts the password Kaapana 0.5 uses",
                    StoredPassword.SCRAM_MATCHES.description(), j.denied != null ? j.denied.found()
                    : j.verdict == null ? "no such role" : j.verdict.description(), j.verdict == StoredPassword.SCRAM_MATCHES);
        }
        return v.build();
    }

    /** The verdict ({@code null}: no such role), or why this connection may not read it. */
    private record Judged(StoredPassword verdict, Problem denied) {
    }

    private Judged judge(ServiceDatabase db, MigrationContext ctx) {
        return Sql.read(connections.jdbi(db, ctx), db.stableName(), "role password check", h -> {
            Optional<Problem> denied = Privileges.superuserProblem(h, db);
            return denied.isPresent() ? new Judged(null, denied.get()) : new Judged(read(h, db), null);
        });
    }

    /** The verdict, or {@code null} when the role does not exist; the verifier itself never leaves this method. */
    private static StoredPassword read(Handle h, ServiceDatabase db) {
        try {
            return h.createQuery("SELECT rolpassword FROM pg_catalog.pg_authid WHERE rolname = ?").bind(0, db.superuser())
                    .map((rs, sc) -> {
                        char[] candidate = KAAPANA_05_PASSWORD.toCharArray();
                        try {
                            return StoredPassword.judge(rs.getString(1), db.superuser(), candidate);
                        } finally {
                            Arrays.fill(candidate, '\0');
                        }
                    }).findFirst().orElse(null);
        } catch (StatementException e) {
            if (e.getCause() instanceof SQLException sql && "42501".equals(sql.getSQLState())) {
                throw new PreconditionFailedException(Problem.of(PostgresErrorCode.INSUFFICIENT_PRIVILEGES,
                        "the connection to the " + db.stableName() + " database may not read pg_authid",
                        "a connection as the database superuser (" + db.superuser() + ")",
                        "give the step a data source that logs in as a superuser of that server"));
            }
            throw e;
        }
    }

    private static Change change(ServiceDatabase db, StoredPassword verdict) {
        return Change.of(Change.Kind.UPDATE, db.stableName() + " role " + db.superuser() + " password", verdict.description(),
                "a SCRAM-SHA-256 verifier (computed client-side) of the password Kaapana 0.5 uses", 1);
    }

    private static Finding finding(ServiceDatabase db, StoredPassword verdict) {
        return new Finding("role " + db.superuser() + " of the " + db.stableName() + " database has " + verdict.description()
                + ", so Kaapana 0.5's services, which log in with a fixed password over scram-sha-256, cannot log in",
                "a SCRAM-SHA-256 verifier of the password Kaapana 0.5 uses (migration reference §3)",
                verdict == StoredPassword.MD5_MATCHES
                        ? "either turn the reset on (RolePasswordOptions.withReset(true)), which stores the same password as a "
                        + "SCRAM-SHA-256 verifier computed client-side, or set it again yourself in a session with "
                        + "password_encryption = 'scram-sha-256'"
                        : "either turn the reset on (RolePasswordOptions.withReset(true)), which sets 0.5's password with a "
                        + "verifier computed client-side, or keep this password and override the database password values "
                        + "of the 0.5 access-information-interface and dicom-web-filter charts with it before deploying 0.5");
    }

    private String names() {
        return options.databases().stream().map(ServiceDatabase::stableName).reduce((a, b) -> a + " and " + b).orElse("");
    }
}
