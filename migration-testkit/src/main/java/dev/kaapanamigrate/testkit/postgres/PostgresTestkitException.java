package dev.kaapanamigrate.testkit.postgres;

/**
 * A PostgreSQL testkit operation failed: binaries could not be resolved, a folder could not be created, or a
 * server did not start or stop. The message says what was found, what was expected and how to fix it; it
 * never contains passwords.
 */
public class PostgresTestkitException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was found, what was expected, how to fix it
     */
    public PostgresTestkitException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what was found, what was expected, how to fix it
     * @param cause   the underlying cause
     */
    public PostgresTestkitException(String message, Throwable cause) {
        super(message, cause);
    }
}
