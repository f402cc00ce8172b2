package dev.kaapanamigrate.pgserver;

import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.Problem;

/**
 * PostgreSQL binaries could not be resolved, or a server on a data folder could not be started, reached or
 * stopped ({@link PgServerErrorCode#DATABASE_SERVER}, or the code of the {@link Problem} given). The message says
 * what was found, what was expected and how to fix it; it never contains passwords.
 */
public class DatabaseServerException extends MigrationException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was found, what was expected, how to fix it
     */
    public DatabaseServerException(String message) {
        super(PgServerErrorCode.DATABASE_SERVER, message, null);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what was found, what was expected, how to fix it
     * @param cause   the underlying cause
     */
    public DatabaseServerException(String message, Throwable cause) {
        super(PgServerErrorCode.DATABASE_SERVER, message, cause);
    }

    /**
     * Creates the exception for a problem found before anything was started (a libc mismatch, say).
     *
     * @param problem the problem
     */
    public DatabaseServerException(Problem problem) {
        super(problem, null);
    }
}
