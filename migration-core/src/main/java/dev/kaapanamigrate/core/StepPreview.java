package dev.kaapanamigrate.core;

import java.util.Objects;

/**
 * What a dry-run found for one step.
 *
 * @param stepId        the step id
 * @param description   the step's description
 * @param requiredState the platform state the step needs
 * @param check         what its check found (verified-earlier steps are reported up to date)
 */
public record StepPreview(String stepId, String description, PlatformState requiredState, StepCheck check) {

    /**
     * Validates the components.
     *
     * @param stepId        the step id
     * @param description   the description
     * @param requiredState the platform state
     * @param check         the check
     */
    public StepPreview {
        Objects.requireNonNull(stepId, "stepId");
        Objects.requireNonNull(check, "check");
    }
}
