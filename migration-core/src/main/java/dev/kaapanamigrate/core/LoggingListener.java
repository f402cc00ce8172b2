package dev.kaapanamigrate.core;

import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every event of a plan through SLF4J (logger {@code dev.kaapanamigrate.migration}): starts, ends and changes of
 * steps at INFO, blocked or failed steps at WARN, progress at DEBUG. Messages carry no secrets (steps never put any
 * into results or events).
 *
 * <pre>{@code
 * MigrationPlan plan = MigrationPlan.builder()
 *         .steps(steps)
 *         .listener(new LoggingListener())
 *         ...
 * }</pre>
 */
public final class LoggingListener implements MigrationListener {

    private final Logger log;

    /** A listener logging to {@code dev.kaapanamigrate.migration}. */
    public LoggingListener() {
        this(LoggerFactory.getLogger("dev.kaapanamigrate.migration"));
    }

    /**
     * A listener logging to the given logger.
     *
     * @param log the logger
     */
    public LoggingListener(Logger log) {
        this.log = java.util.Objects.requireNonNull(log, "log");
    }

    @Override
    public void onEvent(MigrationEvent event) {
        if (event instanceof MigrationEvent.PlanStarted e) {
            log.info("Run {} started: {} steps", e.runId(), e.stepIds().size());
        } else if (event instanceof MigrationEvent.PlanFinished e) {
            MigrationResult r = e.result();
            log.info("{} {} finished: {}{}", r.operation() == MigrationResult.Operation.VERIFY ? "Verify-only pass" : "Run",
                    r.runId(), r.status(), r.message() == null ? "" : " - " + r.message());
        } else if (event instanceof MigrationEvent.PreviewStarted e) {
            log.info("Dry-run {} started: {} steps", e.runId(), e.stepIds().size());
        } else if (event instanceof MigrationEvent.PreviewFinished e) {
            PlanPreview p = e.preview();
            log.info("Dry-run {} finished: {} changes{}", p.runId(), p.changes().size(), p.isBlocked() ? ", BLOCKED" : "");
        } else if (event instanceof MigrationEvent.StepStarted e) {
            log.info("Step {} started", e.stepId());
        } else if (event instanceof MigrationEvent.StepFinished e) {
            StepResult r = e.result();
            if (r.status().isDone() || r.status() == StepStatus.NOT_RUN || r.status() == StepStatus.SKIPPED) {
                log.info("Step {} {}{}{}", r.stepId(), r.status(), r.message() == null ? "" : " - " + r.message(),
                        r.changes().isEmpty() ? "" : r.changes().stream().map(Change::describe)
                                .collect(Collectors.joining("; ", ": ", "")));
            } else {
                log.warn("Step {} {} - {}", r.stepId(), r.status(), r.message());
            }
        } else if (event instanceof MigrationEvent.StepChecked e) {
            StepCheck c = e.preview().check();
            if (c instanceof StepCheck.Blocked b) {
                log.warn("Step {} is blocked: {}", e.preview().stepId(), b.problem().message());
            } else {
                log.info("Step {}: {}", e.preview().stepId(), c instanceof StepCheck.Pending p
                        ? p.changes().size() + " change(s)" + (p.notes().isEmpty() ? "" : "; " + String.join("; ", p.notes()))
                        : c.getClass().getSimpleName());
            }
        } else if (event instanceof MigrationEvent.StepProgress e) {
            log.debug("Step {}: {}{} {}{}", e.stepId(), e.done(), e.total() < 0 ? "" : "/" + e.total(), e.unit(),
                    e.item().isEmpty() ? "" : " (" + e.item() + ")");
        } else if (event instanceof MigrationEvent.PlatformTransition e) {
            log.info("Moving the platform from {} to {}", e.from(), e.to());
        }
    }
}
