package dev.kaapanamigrate.core;

import dev.kaapanamigrate.core.internal.PlanOrder;
import dev.kaapanamigrate.core.internal.PlanRunner;
import dev.kaapanamigrate.core.internal.SafeListener;
import dev.kaapanamigrate.core.internal.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An immutable, validated, ordered set of {@link MigrationStep}s, with everything a run needs: the
 * platform control, the state directory for journal and lock, listeners, clock and id source.
 *
 * <ul>
 *   <li>{@link #check()} is the dry-run: it calls every step's check and changes nothing;</li>
 *   <li>{@link #run()} takes the lock and, step by step in order, checks, applies and verifies, stopping at
 *   the first failure. Steps that are already done (verified by an earlier run according to the journal,
 *   or checked up to date and verified now) are not applied again, so a run after a crash resumes where
 *   the crashed one stopped.</li>
 * </ul>
 *
 * <pre>{@code
 * MigrationPlan plan = MigrationPlan.builder()
 *         .step(new CopyConfigStep(source, target))
 *         .step(new RewriteSettingsStep(target))            // dependsOn() names "demo.copy-config"
 *         .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
 *         .stateDirectory(dataDir.resolve(".kaapana-migrate"))
 *         .listener(new LoggingListener())
 *         .build();
 *
 * PlanPreview preview = plan.check();                     // what would change; nothing changes
 * MigrationResult result = plan.run();                    // check, apply, verify each step
 * MigrationReport.write(result, Path.of("report.json"));
 * }</pre>
 */
public final class MigrationPlan {

    private final List<MigrationStep> steps;
    private final Builder configuration;
    private final StateStore store;

    private MigrationPlan(Builder b, List<MigrationStep> ordered) {
        this.steps = ordered;
        this.configuration = b;
        this.store = b.stateDirectory != null ? StateStore.directory(b.stateDirectory) : b.memoryStore;
    }

    /**
     * Starts an empty builder.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder(List.of(), null, null, null, List.of(), Clock.systemUTC(), IdSource.random(),
                Duration.ofMinutes(30));
    }

    /**
     * A builder holding this plan's configuration, to derive a changed plan (for example with another
     * platform control after a pause). The derived plan uses the same journal and lock: the same state
     * directory, or with {@link Builder#inMemoryState()} the same in-memory journal.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        return configuration;
    }

    /**
     * The steps in the order they run.
     *
     * @return the ordered steps
     */
    public List<MigrationStep> steps() {
        return steps;
    }

    /**
     * The dry-run: calls every step's check, in order, and returns what a run would change. Changes
     * nothing: no step's apply is called, and no journal or lock file is created. Steps that the journal
     * records as verified are reported up to date without being checked again.
     *
     * @return the preview
     */
    public PlanPreview check() {
        return runner().check();
    }

    /**
     * Runs the plan: takes the lock (refusing a second concurrent run), then for each step in order moves
     * the platform to the step's state if needed, checks, applies and verifies it, journaling each stage.
     * Stops at the first blocked or failed step; the result says where and why.
     *
     * @return the result; never throws for a failed step (see {@link MigrationResult#orThrow()})
     * @throws ConcurrentRunException when another run holds the lock
     */
    public MigrationResult run() {
        return runner().run();
    }

    private PlanRunner runner() {
        Builder b = configuration;
        return new PlanRunner(steps, b.platformControl, store, new SafeListener(b.listeners), b.clock, b.ids,
                b.platformTimeout);
    }

    /**
     * An immutable builder: every method returns a new builder, so a partly configured builder can be
     * shared and varied safely.
     */
    public static final class Builder {
        private final List<MigrationStep> steps;
        private final PlatformControl platformControl;
        private final Path stateDirectory;
        private final StateStore memoryStore;
        private final List<MigrationListener> listeners;
        private final Clock clock;
        private final IdSource ids;
        private final Duration platformTimeout;

        private Builder(List<MigrationStep> steps, PlatformControl platformControl, Path stateDirectory,
                        StateStore memoryStore, List<MigrationListener> listeners, Clock clock, IdSource ids,
                        Duration platformTimeout) {
            this.steps = List.copyOf(steps);
            this.platformControl = platformControl;
            this.stateDirectory = stateDirectory;
            this.memoryStore = memoryStore;
            this.listeners = List.copyOf(listeners);
            this.clock = clock;
            this.ids = ids;
            this.platformTimeout = platformTimeout;
        }

        /**
         * Adds a step. The order of adding only breaks ties: steps run by platform state and dependencies.
         *
         * @param step the step
         * @return a new builder
         */
        public Builder step(MigrationStep step) {
            List<MigrationStep> more = new ArrayList<>(steps);
            more.add(Objects.requireNonNull(step, "step"));
            return new Builder(more, platformControl, stateDirectory, memoryStore, listeners, clock, ids, platformTimeout);
        }

        /**
         * Adds steps.
         *
         * @param more the steps
         * @return a new builder
         */
        public Builder steps(List<? extends MigrationStep> more) {
            Builder b = this;
            for (MigrationStep step : more) {
                b = b.step(step);
            }
            return b;
        }

        /**
         * Says how the plan learns and changes the platform state. Required.
         *
         * @param control the control, for example {@link PlatformControl#assumeState(PlatformState)}
         * @return a new builder
         */
        public Builder platformControl(PlatformControl control) {
            return new Builder(steps, Objects.requireNonNull(control, "control"), stateDirectory, memoryStore,
                    listeners, clock, ids, platformTimeout);
        }

        /**
         * Keeps the journal ({@code journal.jsonl}) and lock ({@code run.lock}) in this directory, so a run
         * killed at any point resumes in a new process and two processes never run at once. Put it beside
         * the data being migrated. It is created on the first run, never by a dry-run.
         *
         * @param dir the state directory
         * @return a new builder
         */
        public Builder stateDirectory(Path dir) {
            return new Builder(steps, platformControl, Objects.requireNonNull(dir, "dir"), null, listeners, clock, ids,
                    platformTimeout);
        }

        /**
         * Keeps journal and lock in memory: resuming works within this process only, for plans built from
         * this builder or derived from it. For tests and tools whose steps are cheap to re-check.
         *
         * @return a new builder
         */
        public Builder inMemoryState() {
            return new Builder(steps, platformControl, null, StateStore.memory(), listeners, clock, ids, platformTimeout);
        }

        /**
         * Adds a listener; listeners are called in the order added.
         *
         * @param listener the listener
         * @return a new builder
         */
        public Builder listener(MigrationListener listener) {
            List<MigrationListener> more = new ArrayList<>(listeners);
            more.add(Objects.requireNonNull(listener, "listener"));
            return new Builder(steps, platformControl, stateDirectory, memoryStore, more, clock, ids, platformTimeout);
        }

        /**
         * The clock for timestamps and durations; the system UTC clock by default.
         *
         * @param clock the clock
         * @return a new builder
         */
        public Builder clock(Clock clock) {
            return new Builder(steps, platformControl, stateDirectory, memoryStore, listeners,
                    Objects.requireNonNull(clock, "clock"), ids, platformTimeout);
        }

        /**
         * The id source for run ids and ids steps create; random by default.
         *
         * @param ids the id source, for example {@link IdSource#seeded(long)} in tests
         * @return a new builder
         */
        public Builder idSource(IdSource ids) {
            return new Builder(steps, platformControl, stateDirectory, memoryStore, listeners, clock,
                    Objects.requireNonNull(ids, "ids"), platformTimeout);
        }

        /**
         * How long to wait for the platform to undeploy or to become ready; 30 minutes by default.
         *
         * @param timeout the timeout
         * @return a new builder
         */
        public Builder platformTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new ConfigurationException("platformTimeout must be positive, was " + timeout
                        + "; for example .platformTimeout(Duration.ofMinutes(30)).");
            }
            return new Builder(steps, platformControl, stateDirectory, memoryStore, listeners, clock, ids, timeout);
        }

        /**
         * Validates and builds the plan.
         *
         * @return the plan
         * @throws ConfigurationException when a required option is missing ({@link ErrorCode#CONFIGURATION_INVALID})
         *                                or the steps do not form a valid plan ({@link ErrorCode#PLAN_INVALID})
         */
        public MigrationPlan build() {
            if (steps.isEmpty()) {
                throw new ConfigurationException(ErrorCode.PLAN_INVALID, "The plan has no steps; add them with "
                        + ".step(step) or .steps(list).", null);
            }
            if (platformControl == null) {
                throw new ConfigurationException("The plan does not know the platform state. If you have brought the "
                        + "platform into the needed state yourself, write "
                        + ".platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED)); otherwise pass a "
                        + "PlatformControl that can undeploy and deploy it.");
            }
            if (stateDirectory == null && memoryStore == null) {
                throw new ConfigurationException("The plan needs a place for its journal and lock. Write "
                        + ".stateDirectory(dataDir.resolve(\".kaapana-migrate\")) to keep them beside the data being "
                        + "migrated (a killed run then resumes in a new process), or .inMemoryState() in tests.");
            }
            return new MigrationPlan(this, PlanOrder.order(steps));
        }
    }
}
