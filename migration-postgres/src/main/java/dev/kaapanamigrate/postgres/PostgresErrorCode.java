package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.core.ErrorCode;

/**
 * The error codes of {@code migration-postgres}; their code strings carry the prefix {@code POSTGRES_}. The steps'
 * other refusals use the engine's {@link dev.kaapanamigrate.core.CoreErrorCode}.
 *
 * <pre>{@code
 * if (result.errorCode() == PostgresErrorCode.INSUFFICIENT_PRIVILEGES) { ... }
 * }</pre>
 */
public enum PostgresErrorCode implements ErrorCode {
    /**
     * The role a database step logs in as may not do what the step does: the database migrations and the reference
     * rewrite need the owner of the tables (or a superuser), the role-password step a superuser.
     */
    INSUFFICIENT_PRIVILEGES("The database connection's role lacks a privilege the step needs; nothing was changed.",
            "Give DatabaseConnections a data source that logs in as the database's own role (Kaapana's POSTGRES_USER, "
                    + "which owns the tables and is a superuser), then run again."),
    /**
     * The database server refused the connection: a wrong password or user, no {@code pg_hba.conf} entry for it, or a
     * database that does not exist (SQLSTATE class 28, {@code 3D000}, and {@code 08004} such as a password the server
     * asked for and did not get).
     */
    LOGIN_REJECTED("The database server refused the login; the connection never opened.",
            "Give the database's data source the right user, password and database name, then run again."),
    /** The database server could not be reached: nothing listens at the host and port, or the connection timed out. */
    SERVER_UNREACHABLE("The database server could not be reached; the connection never opened.",
            "Start the server or correct the host and port of the database's data source, then run again."),
    /**
     * The TLS connection to the database server failed: a certificate the data source does not trust, a host name the
     * certificate does not name, or a server without TLS where the data source requires it.
     */
    TLS_FAILED("The TLS connection to the database server failed; the connection never opened.",
            "Give the data source the CA certificate that signed the server's, a host name the certificate names, or the "
                    + "sslmode the server supports, then run again.");

    private final String summary;
    private final String remedy;

    PostgresErrorCode(String summary, String remedy) {
        this.summary = summary;
        this.remedy = remedy;
    }

    /**
     * The code string: {@code POSTGRES_} and the constant's name.
     *
     * @return for example {@code POSTGRES_INSUFFICIENT_PRIVILEGES}
     */
    @Override
    public String code() {
        return "POSTGRES_" + name();
    }

    @Override
    public String summary() {
        return summary;
    }

    @Override
    public String remedy() {
        return remedy;
    }

    /** Registers these codes with {@link ErrorCode#of(String)}. */
    public static final class Catalog implements ErrorCode.Catalog {
        /** Creates the catalog (for {@link java.util.ServiceLoader}). */
        public Catalog() {
        }

        @Override
        public java.util.Collection<? extends ErrorCode> codes() {
            return java.util.List.of(values());
        }
    }
}
