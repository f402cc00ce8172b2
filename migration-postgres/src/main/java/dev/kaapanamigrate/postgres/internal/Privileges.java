package dev.kaapanamigrate.postgres.internal;

import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.postgres.PostgresErrorCode;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * What the database steps' connections may do, checked before a step reads or changes anything, so that a missing
 * privilege is said as such (role, what it lacks, who has it) instead of surfacing as a failed statement half-way.
 *
 * <ul>
 *   <li>The three database migrations and the reference rewrite: a superuser, or the owner of every table and sequence
 *   in schema {@code public} (they alter, drop, create, lock and rewrite them), with {@code CREATE} on the schema and
 *   {@code TEMP} on the database (a temporary project map). Tables they create are owned by the role they log in as,
 *   so the owner (Kaapana's {@code POSTGRES_USER}) is the role to use.</li>
 *   <li>The role-password step: a superuser ({@code pg_authid} is readable by superusers only, and a password is set
 *   with {@code ALTER ROLE}).</li>
 * </ul>
 */
public final class Privileges {

    private static final int SHOWN = 10;

    private Privileges() {
    }

    /**
     * Why the connection may not change the database's tables, if it may not.
     *
     * @param h        the handle
     * @param db       the database
     * @param stepWork what the step does, for the message (for example {@code "migrates the schema"})
     * @return the problem, or empty when the role is a superuser or owns everything with the privileges needed
     */
    public static Optional<Problem> ownerProblem(Handle h, ServiceDatabase db, String stepWork) {
        Role role = role(h);
        if (role.superuser()) {
            return Optional.empty();
        }
        List<String> notOwned = h.createQuery("SELECT c.relname || ' (owner ' || pg_get_userbyid(c.relowner) || ')' "
                + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
                + "AND c.relkind IN ('r', 'p', 'S') AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user) "
                + "ORDER BY c.relname COLLATE \"C\"").mapTo(String.class).list();
        boolean create = h.createQuery("SELECT has_schema_privilege('public', 'CREATE')").mapTo(boolean.class).one();
        boolean temp = h.createQuery("SELECT has_database_privilege(current_database(), 'TEMP')").mapTo(boolean.class).one();
        if (notOwned.isEmpty() && create && temp) {
            return Optional.empty();
        }
        StringBuilder lacks = new StringBuilder();
        if (!notOwned.isEmpty()) {
            lacks.append("does not own ").append(notOwned.size()).append(" table(s) or sequence(s) of schema public: ")
                    .append(String.join(", ", notOwned.subList(0, Math.min(SHOWN, notOwned.size()))))
                    .append(notOwned.size() > SHOWN ? ", and " + (notOwned.size() - SHOWN) + " more" : "");
        }
        if (!create) {
            lacks.append(lacks.length() == 0 ? "" : "; ").append("has no CREATE privilege on schema public");
        }
        if (!temp) {
            lacks.append(lacks.length() == 0 ? "" : "; ").append("may not create temporary tables in the database");
        }
        return Optional.of(Problem.of(PostgresErrorCode.INSUFFICIENT_PRIVILEGES, "the connection to the "
                + db.stableName() + " database logs in as role '" + role.name() + "', which is no superuser and "
                + lacks + "; nothing was changed",
                "a connection as the owner of the tables (Kaapana's " + db.superuser() + ") or as a superuser: the step "
                + stepWork + " in one transaction",
                "give DatabaseConnections a data source of the " + db.stableName() + " database that logs in as "
                + db.superuser() + ", then run again"));
    }

    /**
     * Why the connection may not read and set role passwords, if it may not.
     *
     * @param h  the handle
     * @param db the database
     * @return the problem, or empty when the role is a superuser
     */
    public static Optional<Problem> superuserProblem(Handle h, ServiceDatabase db) {
        Role role = role(h);
        if (role.superuser()) {
            return Optional.empty();
        }
        return Optional.of(Problem.of(PostgresErrorCode.INSUFFICIENT_PRIVILEGES, "the connection to the "
                + db.stableName() + " database logs in as role '" + role.name() + "', which is no superuser; nothing was "
                + "changed", "a connection as a superuser (Kaapana's " + db.superuser() + " is one): the role-password step "
                + "reads the stored verifier in pg_authid, which only superusers may read, and sets the password with "
                + "ALTER ROLE", "give DatabaseConnections a data source of the " + db.stableName() + " database that "
                + "logs in as " + db.superuser() + " (or another superuser), then run again"));
    }

    private record Role(String name, boolean superuser) {
    }

    private static Role role(Handle h) {
        return h.createQuery("SELECT current_user::text, rolsuper FROM pg_roles WHERE rolname = current_user")
                .map((rs, sc) -> new Role(rs.getString(1), rs.getBoolean(2))).one();
    }
}
