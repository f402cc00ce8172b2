package dev.kaapanamigrate.core;

import java.util.Objects;
import java.util.Optional;

/**
 * The root of every exception this library throws. It is unchecked and always carries a stable
 * {@link ErrorCode}; messages say what was found, what was expected and what to do. Messages never contain
 * secrets.
 *
 * <p>Named subclasses exist for the cases callers commonly handle: {@link ConfigurationException},
 * {@link PreconditionFailedException}, {@link StepFailedException}, {@link VerificationFailedException} and
 * {@link ConcurrentRunException}.
 */
public class MigrationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final transient Problem problem;

    /**
     * Creates an exception with a free-form message.
     *
     * @param code    the stable error code
     * @param message what happened and what to do
     * @param cause   the underlying cause, or {@code null}
     */
    public MigrationException(ErrorCode code, String message, Throwable cause) {
        super("[" + Objects.requireNonNull(code, "code").code() + "] " + message, cause);
        this.code = code;
        this.problem = null;
    }

    /**
     * Creates an exception from a {@link Problem}.
     *
     * @param problem what was found, what was expected and the fix
     * @param cause   the underlying cause, or {@code null}
     */
    public MigrationException(Problem problem, Throwable cause) {
        super("[" + problem.code().code() + "] " + problem.message(), cause);
        this.code = problem.code();
        this.problem = problem;
    }

    /**
     * The stable error code.
     *
     * @return the code
     */
    public ErrorCode code() {
        return code;
    }

    /**
     * The structured problem, when the exception was created from one.
     *
     * @return the problem, or empty
     */
    public Optional<Problem> problem() {
        return Optional.ofNullable(problem);
    }
}
