package dev.kaapanamigrate.core;

/**
 * A step failed while it checked, applied or verified; the step is safe to run again once the cause is fixed.
 * The default code is {@link CoreErrorCode#STEP_FAILED}.
 */
public class StepFailedException extends MigrationException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with the default code.
     *
     * @param message what was found, what was expected and what to do
     */
    public StepFailedException(String message) {
        super(CoreErrorCode.STEP_FAILED, message, null);
    }

    /**
     * Creates the exception with a specific code.
     *
     * @param code    the stable error code
     * @param message what was found, what was expected and what to do
     * @param cause   the underlying cause, or {@code null}
     */
    public StepFailedException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }

    /**
     * Creates the exception from a structured problem.
     *
     * @param problem what was found, what was expected and the fix
     */
    public StepFailedException(Problem problem) {
        super(problem, null);
    }
}
