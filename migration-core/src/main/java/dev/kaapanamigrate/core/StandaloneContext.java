package dev.kaapanamigrate.core;

import dev.kaapanamigrate.core.internal.DefaultMigrationContext;
import dev.kaapanamigrate.core.internal.FileAreas;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A {@link MigrationContext} for calling steps directly, outside a plan ({@link MigrationContext#standalone()}):
 * values in memory, file areas in a temporary directory. Closing it closes the resources steps registered (temporary
 * database servers, say), newest first, and removes the file areas.
 *
 * <pre>{@code
 * try (StandaloneContext ctx = MigrationContext.standalone()) {
 *     ctx.put(ProjectList.KEY, projects);                  // an input another tool produced
 *     StepResult result = StepRunner.run(step, ctx);
 * }
 * }</pre>
 */
public final class StandaloneContext implements MigrationContext, AutoCloseable {

    private final DefaultMigrationContext delegate;
    private final FileAreas areas;

    StandaloneContext(Clock clock, IdSource ids, PlatformState state, boolean dryRun) {
        this(clock, ids, state, dryRun, Map.of());
    }

    /** A context that reads values journaled by a plan (as JSON, typed when a step asks for them). */
    StandaloneContext(Clock clock, IdSource ids, PlatformState state, boolean dryRun,
                      Map<String, com.fasterxml.jackson.databind.JsonNode> journaled) {
        this.areas = FileAreas.temporary(null);
        this.delegate = new DefaultMigrationContext(clock, ids, ids.newId(), state,
                dryRun ? DefaultMigrationContext.Mode.DRY_RUN : DefaultMigrationContext.Mode.RUN, null, journaled, null,
                areas);
        delegate.runsOnlyInsideRunnerCalls();
    }

    DefaultMigrationContext delegate() {
        return delegate;
    }

    /** A {@link StepRunner} call begins: resources kept for the run are taken until it ends. */
    void enterRunnerCall() {
        delegate.enterRunnerCall();
    }

    /** A {@link StepRunner} call ends: closes what it registered; a failure to close is logged, as in a plan. */
    void leaveRunnerCall() {
        delegate.leaveRunnerCall();
    }

    /**
     * Tells the context which step runs now, so that {@link #fileArea()} and progress name it;
     * {@link StepRunner} does this itself.
     *
     * @param stepId the step id
     */
    public void enterStep(String stepId) {
        delegate.enterStep(stepId);
    }

    @Override
    public Clock clock() {
        return delegate.clock();
    }

    @Override
    public IdSource ids() {
        return delegate.ids();
    }

    @Override
    public UUID runId() {
        return delegate.runId();
    }

    @Override
    public PlatformState platformState() {
        return delegate.platformState();
    }

    @Override
    public boolean dryRun() {
        return delegate.dryRun();
    }

    @Override
    public boolean provisional() {
        return delegate.provisional();
    }

    @Override
    public Path fileArea() {
        return delegate.fileArea();
    }

    @Override
    public <T> Optional<T> get(ContextKey<T> key) {
        return delegate.get(key);
    }

    @Override
    public <T> void put(ContextKey<T> key, T value) {
        delegate.put(key, value);
    }

    @Override
    public void progress(long done, long total, String unit) {
        delegate.progress(done, total, unit);
    }

    @Override
    public void closeBeforeLeavingState(AutoCloseable resource) {
        delegate.closeBeforeLeavingState(resource);
    }

    @Override
    public boolean closeWhenRunEnds(AutoCloseable resource) {
        return delegate.closeWhenRunEnds(resource);
    }

    /**
     * Closes the registered resources, newest first, and removes the file areas.
     *
     * @throws MigrationException with {@link CoreErrorCode#STEP_FAILED} naming every resource that failed to close
     */
    @Override
    public void close() {
        List<String> failures = delegate.closeResources();
        areas.close();
        if (!failures.isEmpty()) {
            throw new MigrationException(CoreErrorCode.STEP_FAILED, "Some resources did not close: "
                    + String.join("; ", failures), null);
        }
    }
}
