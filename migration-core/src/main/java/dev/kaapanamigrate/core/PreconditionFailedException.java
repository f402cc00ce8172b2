package dev.kaapanamigrate.core;

/**
 * A precondition does not hold, so nothing was changed: the platform state, a missing context value, a blocked check.
 * The default code is {@link CoreErrorCode#PRECONDITION_FAILED}.
 */
public class PreconditionFailedException extends MigrationException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with the default code.
     *
     * @param message what was found, what was expected and what to do
     */
    public PreconditionFailedException(String message) {
        super(CoreErrorCode.PRECONDITION_FAILED, message, null);
    }

    /**
     * Creates the exception with a specific code.
     *
     * @param code    the stable error code
     * @param message what was found, what was expected and what to do
     * @param cause   the underlying cause, or {@code null}
     */
    public PreconditionFailedException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }

    /**
     * Creates the exception from a structured problem.
     *
     * @param problem what was found, what was expected and the fix
     */
    public PreconditionFailedException(Problem problem) {
        super(problem, null);
    }

    /**
     * Creates the exception from a structured problem and its cause.
     *
     * @param problem what was found, what was expected and the fix
     * @param cause   the underlying cause, or {@code null}
     */
    public PreconditionFailedException(Problem problem, Throwable cause) {
        super(problem, cause);
    }
}
