package dev.kaapanamigrate.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kaapanamigrate.core.internal.Json;
import dev.kaapanamigrate.core.internal.PlanOrder;
import dev.kaapanamigrate.core.internal.PlanRunner;
import dev.kaapanamigrate.core.internal.SafeListener;
import dev.kaapanamigrate.core.internal.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable, validated, ordered set of {@link MigrationStep}s, with everything a run needs: the
 * platform control, the state directory for journal and lock, listeners, clock and id source.
 *
 * <ul>
 *   <li>{@link #check()} is the dry-run: it calls every step's check and changes nothing;</li>
 *   <li>{@link #run()} takes the lock and, step by step in order, checks, applies and verifies, stopping at
 *   the first failure. Before it changes anything in a platform state it checks every step of that state it can check,
 *   and refuses with every problem found. Steps that are already done (checked up to date and verified now, or,
 *   for a platform state already left, recorded as verified in this installation's journal) are not applied again,
 *   so a run after a crash resumes where the crashed one stopped;</li>
 *   <li>{@link #verify()} verifies every step against the installation as it is now.</li>
 * </ul>
 *
 * <pre>{@code
 * MigrationPlan plan = MigrationPlan.builder()
 *         .step(new CopyConfigStep(source, target))
 *         .step(new RewriteSettingsStep(target), "demo.copy-config")     // runs after the copy
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
        this.store = b.stateDirectory != null ? StateStore.directory(b.stateDirectory, b.installationRoot != null
                ? b.installationRoot : b.stateDirectory.toAbsolutePath().normalize().getParent()) : b.memoryStore;
    }

    /**
     * Starts an empty builder.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder(List.of(), Map.of(), null, null, null, null, List.of(), Clock.systemUTC(), IdSource.random(),
                Duration.ofMinutes(30), Map.of());
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
     * The steps that must be done before a step, as the plan was wired.
     *
     * @param stepId the step
     * @return the ids of the steps it runs after; empty when none or when the plan has no such step
     */
    public List<String> dependenciesOf(String stepId) {
        return configuration.dependencies.getOrDefault(stepId, List.of());
    }

    /**
     * The dry-run: calls every step's check, in order, and returns what a run would change. Changes
     * nothing: no step's apply is called, and no journal, lock file or file area is created. Whether a run could
     * keep its journal and lock in the state directory is checked without writing ({@link PlanPreview#problems()}).
     * Steps that the journal records as verified are checked again where their platform state allows and must be up
     * to date; those of a state already left are trusted only when the journal belongs to this installation.
     *
     * @return the preview
     */
    public PlanPreview check() {
        return runner().check();
    }

    /**
     * Verifies the installation as it is now: calls every step's verify (of the current and earlier platform states),
     * ignoring what the journal records as verified but using the baselines the steps recorded for this installation.
     * Changes nothing (where a run created the state directory the lock is taken, so no run changes things meanwhile).
     * Each fact says whether it was proven against a baseline or as a postcondition
     * ({@link Verification.Fact#basis()}).
     *
     * @return the result: {@link MigrationResult.Operation#VERIFY}, {@link PlanStatus#SUCCEEDED} when every verified
     *         step holds, else {@link PlanStatus#FAILED}; steps of later states are {@link StepStatus#NOT_RUN}
     * @throws ConcurrentRunException when a run holds the lock
     */
    public MigrationResult verify() {
        return runner().verify();
    }

    /**
     * Runs the plan: takes the lock (refusing a second concurrent run), then for each step in order moves
     * the platform to the step's state if needed, checks, applies and verifies it, journaling each stage.
     * Stops at the first blocked or failed step; the result says where and why.
     *
     * @return the result; never throws for a failed step (see {@link MigrationResult#orThrow()})
     * @throws ConcurrentRunException when another run holds the lock
     * @throws PreconditionFailedException when the state directory cannot hold the journal and lock (every reason is
     *                                     named; nothing is created)
     */
    public MigrationResult run() {
        return runner().run();
    }

    /**
     * The context values the plan's runs journaled so far (baselines, the project list, listing files), read-only: for
     * tools and tests that compare the installation with what the steps recorded. Reads the journal without a lock and
     * writes nothing; for a plan with {@link Builder#inMemoryState()}, the values of its runs in this process.
     *
     * @return the values
     */
    public JournaledValues journaledValues() {
        return JournaledValues.of(store.readJournal(), store.toString());
    }

    private PlanRunner runner() {
        Builder b = configuration;
        Map<String, JsonNode> given = new LinkedHashMap<>();
        b.givenValues.forEach((name, value) -> given.put(name, value.json()));
        return new PlanRunner(steps, b.dependencies, b.platformControl, store, new SafeListener(b.listeners), b.clock,
                b.ids, b.platformTimeout, given);
    }

    /**
     * An immutable builder: every method returns a new builder, so a partly configured builder can be
     * shared and varied safely.
     */
    public static final class Builder {
        private final List<MigrationStep> steps;
        private final Map<String, List<String>> dependencies;
        private final PlatformControl platformControl;
        private final Path stateDirectory;
        private final Path installationRoot;
        private final StateStore memoryStore;
        private final List<MigrationListener> listeners;
        private final Clock clock;
        private final IdSource ids;
        private final Duration platformTimeout;
        private final Map<String, GivenValue> givenValues;

        /** A value the caller gave, kept as JSON (as a journaled value would be). */
        private record GivenValue(ContextKey<?> key, JsonNode json) {
        }

        private Builder(List<MigrationStep> steps, Map<String, List<String>> dependencies, PlatformControl platformControl,
                        Path stateDirectory, Path installationRoot, StateStore memoryStore, List<MigrationListener> listeners,
                        Clock clock, IdSource ids, Duration platformTimeout, Map<String, GivenValue> givenValues) {
            this.steps = List.copyOf(steps);
            this.dependencies = Map.copyOf(dependencies);
            this.platformControl = platformControl;
            this.stateDirectory = stateDirectory;
            this.installationRoot = installationRoot;
            this.memoryStore = memoryStore;
            this.listeners = List.copyOf(listeners);
            this.clock = clock;
            this.ids = ids;
            this.platformTimeout = platformTimeout;
            this.givenValues = Map.copyOf(givenValues);
        }

        private Builder with(List<MigrationStep> s, Map<String, List<String>> d, PlatformControl pc, Path sd, Path root,
                             StateStore ms, List<MigrationListener> l, Clock c, IdSource i, Duration pt,
                             Map<String, GivenValue> gv) {
            return new Builder(s, d, pc, sd, root, ms, l, c, i, pt, gv);
        }

        /**
         * Adds a step, and says which steps of the plan must be done before it. The order of adding only breaks ties:
         * steps run by platform state, then by these dependencies. A step may depend only on steps of its own or an
         * earlier platform state. Leave a dependency out when the caller does its work outside the plan, and give what
         * it would produce with {@link #contextValue(ContextKey, Object)}.
         *
         * @param step  the step
         * @param after the ids of the steps it runs after
         * @return a new builder
         */
        public Builder step(MigrationStep step, String... after) {
            List<MigrationStep> more = new ArrayList<>(steps);
            more.add(Objects.requireNonNull(step, "step"));
            Map<String, List<String>> deps = new LinkedHashMap<>(dependencies);
            if (after.length > 0) {
                List<String> all = new ArrayList<>(deps.getOrDefault(step.id(), List.of()));
                for (String id : after) {
                    all.add(Objects.requireNonNull(id, "after"));
                }
                deps.put(step.id(), List.copyOf(all));
            }
            return with(more, deps, platformControl, stateDirectory, installationRoot, memoryStore, listeners, clock, ids,
                    platformTimeout, givenValues);
        }

        /**
         * Adds steps without dependencies among them beyond the order of adding within a platform state.
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
         * Gives a value every step of the plan sees, as if an earlier step had put it: what a step left out of the plan
         * would have produced (the project list of an access-information database the caller migrated, say). Given
         * values win over journaled ones and are never journaled: give them again on every run.
         *
         * @param key   the key
         * @param value the value, plain data without secrets
         * @param <T>   the value type
         * @return a new builder
         * @throws ConfigurationException when the value cannot be written as JSON and read back as the key's type
         */
        public <T> Builder contextValue(ContextKey<T> key, T value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            JsonNode json;
            try {
                json = Json.mapper().valueToTree(value);
                Json.mapper().treeToValue(json, Json.mapper().getTypeFactory().constructType(key.type()));
            } catch (IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new ConfigurationException("The value given for '" + key.name() + "' cannot be written as JSON and "
                        + "read back as " + key.type().getTypeName() + " (" + e.getMessage() + "); context values must be "
                        + "plain data such as records, lists, maps, strings and numbers.");
            }
            Map<String, GivenValue> more = new LinkedHashMap<>(givenValues);
            more.put(key.name(), new GivenValue(key, json));
            return with(steps, dependencies, platformControl, stateDirectory, installationRoot, memoryStore, listeners,
                    clock, ids, platformTimeout, more);
        }

        /**
         * Says how the plan learns and changes the platform state. Required.
         *
         * @param control the control, for example {@link PlatformControl#assumeState(PlatformState)}
         * @return a new builder
         */
        public Builder platformControl(PlatformControl control) {
            return with(steps, dependencies, Objects.requireNonNull(control, "control"), stateDirectory, installationRoot,
                    memoryStore, listeners, clock, ids, platformTimeout, givenValues);
        }

        /**
         * Keeps the journal ({@code journal.jsonl}), the lock ({@code run.lock}) and the steps' file areas
         * ({@code steps/}) in this directory, so a run killed at any point resumes in a new process and two processes
         * never run at once. Put it beside the data being migrated. A run creates the directory itself, never the
         * folders above it; a dry-run creates nothing.
         *
         * <p>The journal is bound to the installation it describes: by default the folder holding the state directory
         * (see {@link #installationRoot(Path)}). A journal found with another installation is refused.
         *
         * @param dir the state directory
         * @return a new builder
         */
        public Builder stateDirectory(Path dir) {
            return with(steps, dependencies, platformControl, Objects.requireNonNull(dir, "dir"), installationRoot, null,
                    listeners, clock, ids, platformTimeout, givenValues);
        }

        /**
         * The root folder of the installation the plan migrates (FAST_DATA_DIR, say), to which the journal is bound:
         * every run records its device and inode, and a journal recorded for another folder is refused, so a state
         * directory shared by two installations, or kept across a restore that replaced the folder, cannot make a run
         * skip work. Default: the folder holding the state directory.
         *
         * @param root the installation's root folder
         * @return a new builder
         */
        public Builder installationRoot(Path root) {
            return with(steps, dependencies, platformControl, stateDirectory, Objects.requireNonNull(root, "root"),
                    memoryStore, listeners, clock, ids, platformTimeout, givenValues);
        }

        /**
         * Keeps journal, lock and file areas in memory (file areas in a temporary directory): resuming works within
         * this process only, for plans built from this builder or derived from it. For tests and tools whose steps are
         * cheap to re-check.
         *
         * @return a new builder
         */
        public Builder inMemoryState() {
            return with(steps, dependencies, platformControl, null, installationRoot, StateStore.memory(), listeners, clock,
                    ids, platformTimeout, givenValues);
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
            return with(steps, dependencies, platformControl, stateDirectory, installationRoot, memoryStore, more, clock,
                    ids, platformTimeout, givenValues);
        }

        /**
         * The clock for timestamps and durations; the system UTC clock by default.
         *
         * @param clock the clock
         * @return a new builder
         */
        public Builder clock(Clock clock) {
            return with(steps, dependencies, platformControl, stateDirectory, installationRoot, memoryStore, listeners,
                    Objects.requireNonNull(clock, "clock"), ids, platformTimeout, givenValues);
        }

        /**
         * The id source for run ids and ids steps create; random by default.
         *
         * @param ids the id source, for example {@link IdSource#seeded(long)} in tests
         * @return a new builder
         */
        public Builder idSource(IdSource ids) {
            return with(steps, dependencies, platformControl, stateDirectory, installationRoot, memoryStore, listeners,
                    clock, Objects.requireNonNull(ids, "ids"), platformTimeout, givenValues);
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
            return with(steps, dependencies, platformControl, stateDirectory, installationRoot, memoryStore, listeners,
                    clock, ids, timeout, givenValues);
        }

        /**
         * Validates and builds the plan.
         *
         * @return the plan
         * @throws ConfigurationException when a required option is missing ({@link CoreErrorCode#CONFIGURATION_INVALID})
         *                                or the steps do not form a valid plan ({@link CoreErrorCode#PLAN_INVALID})
         */
        public MigrationPlan build() {
            if (steps.isEmpty()) {
                throw new ConfigurationException(CoreErrorCode.PLAN_INVALID, "The plan has no steps; add them with "
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
            return new MigrationPlan(this, PlanOrder.order(steps, dependencies));
        }
    }
}
