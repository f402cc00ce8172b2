package dev.kaapanamigrate.core;

/**
 * The configuration or the plan is invalid; thrown when a plan or option is built, before anything runs.
 * The default code is {@link CoreErrorCode#CONFIGURATION_INVALID}.
 */
public class ConfigurationException extends MigrationException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with the default code.
     *
     * @param message what was found, what was expected and what to do
     */
    public ConfigurationException(String message) {
        super(CoreErrorCode.CONFIGURATION_INVALID, message, null);
    }

    /**
     * Creates the exception with a specific code.
     *
     * @param code    the stable error code
     * @param message what was found, what was expected and what to do
     * @param cause   the underlying cause, or {@code null}
     */
    public ConfigurationException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }

    /**
     * Creates the exception from a structured problem.
     *
     * @param problem what was found, what was expected and the fix
     */
    public ConfigurationException(Problem problem) {
        super(problem, null);
    }
}
