package dev.kaapanamigrate.core;

import java.util.Objects;

/**
 * A problem described the way operators need it: what was found, what was expected, and how to fix it.
 * Used by {@link StepCheck.Blocked} and by {@link MigrationException}, so that both read alike.
 *
 * <pre>{@code
 * Problem p = Problem.of(CoreErrorCode.PRECONDITION_FAILED,
 *         "/data/postgres-backend has no PG_VERSION file",
 *         "a PostgreSQL data folder",
 *         "point FAST_DATA_DIR at the Kaapana data folder");
 * }</pre>
 *
 * @param code     the stable error code
 * @param found    what was found
 * @param expected what was expected instead
 * @param fix      what the operator should do
 */
public record Problem(ErrorCode code, String found, String expected, String fix) {

    /**
     * Validates the components.
     *
     * @param code     the stable error code
     * @param found    what was found
     * @param expected what was expected instead
     * @param fix      what the operator should do
     */
    public Problem {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(found, "found");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(fix, "fix");
    }

    /**
     * Creates a problem.
     *
     * @param code     the stable error code
     * @param found    what was found
     * @param expected what was expected instead
     * @param fix      what the operator should do
     * @return the problem
     */
    public static Problem of(ErrorCode code, String found, String expected, String fix) {
        return new Problem(code, found, expected, fix);
    }

    /**
     * One line for logs, reports and exception messages.
     *
     * @return {@code "Found: …; expected: …. Fix: …"}
     */
    public String message() {
        return "Found: " + found + "; expected: " + expected + ". Fix: " + fix;
    }
}
