package dev.kaapanamigrate.core;

/**
 * Thrown by a {@link PlatformControl} that cannot move the platform to the state a plan needs (for example
 * {@link PlatformControl#assumeState(PlatformState)}, whose caller moves the platform). The plan then ends
 * with status {@link PlanStatus#PAUSED} instead of failing. Code {@link CoreErrorCode#PLATFORM_STATE}.
 */
public class PlatformCannotMoveException extends PreconditionFailedException {

    private static final long serialVersionUID = 1L;

    private final PlatformState from;
    private final PlatformState to;

    /**
     * Creates the exception.
     *
     * @param from the state the platform is in
     * @param to   the state the plan needs
     */
    public PlatformCannotMoveException(PlatformState from, PlatformState to) {
        super(pauseProblem(from, to));
        this.from = from;
        this.to = to;
    }

    /**
     * What the plan's result says when it pauses: move the platform, then run again.
     *
     * @param from the state the platform is in
     * @param to   the state the next steps need
     * @return the problem
     */
    public static Problem pauseProblem(PlatformState from, PlatformState to) {
        return Problem.of(CoreErrorCode.PLATFORM_STATE,
                "the platform is in state " + from + " (" + from.description() + ")",
                "state " + to + " (" + to.description() + ") for the next steps",
                "bring the platform to " + to + " yourself, then run the plan again with "
                        + "PlatformControl.assumeState(PlatformState." + to + "); the journal resumes it");
    }

    /**
     * The state the platform is in.
     *
     * @return the state
     */
    public PlatformState from() {
        return from;
    }

    /**
     * The state the plan needs.
     *
     * @return the state
     */
    public PlatformState to() {
        return to;
    }
}
