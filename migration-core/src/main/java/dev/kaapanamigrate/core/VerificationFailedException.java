package dev.kaapanamigrate.core;

import java.util.Objects;

/**
 * A step's verification did not hold: the facts in {@link #verification()} show what was expected and what
 * was found. Code {@link CoreErrorCode#VERIFICATION_FAILED}.
 */
public class VerificationFailedException extends MigrationException {

    private static final long serialVersionUID = 1L;

    private final transient Verification verification;

    /**
     * Creates the exception.
     *
     * @param stepId       the step whose verification failed
     * @param verification the failed verification
     */
    public VerificationFailedException(String stepId, Verification verification) {
        super(CoreErrorCode.VERIFICATION_FAILED, "Verification of step '" + stepId + "' failed: "
                + verification.describeFailures() + ". Do not continue; compare the report with the backup.", null);
        this.verification = Objects.requireNonNull(verification, "verification");
    }

    /**
     * The failed verification with all of its facts.
     *
     * @return the verification
     */
    public Verification verification() {
        return verification;
    }
}
