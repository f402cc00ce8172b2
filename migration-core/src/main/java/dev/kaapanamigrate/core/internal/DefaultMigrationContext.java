package dev.kaapanamigrate.core.internal;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kaapanamigrate.core.ConfigurationException;
import dev.kaapanamigrate.core.ContextKey;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.IdSource;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationEvent;
import dev.kaapanamigrate.core.PlatformState;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The context of a run, a dry-run, a verify-only pass or a standalone call. Values put during a run are journaled as
 * JSON; journaled values of an earlier run are read back lazily, as the type their key names. A run's look-ahead
 * ({@link #lookAhead()}) sees the run's values and keeps what it puts to itself.
 */
public final class DefaultMigrationContext implements MigrationContext {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultMigrationContext.class);

    /** What the context is for; decides journaling, provisional values and whether file areas are created. */
    public enum Mode {
        /** A run: values journaled, file areas created. */
        RUN(false, false, true),
        /** A dry-run: nothing written. */
        DRY_RUN(true, true, false),
        /** A run's look-ahead checks: nothing written, values provisional. */
        LOOK_AHEAD(false, true, false),
        /** A verify-only pass: nothing written. */
        VERIFY(false, false, false);

        private final boolean dryRun;
        private final boolean provisional;
        private final boolean writes;

        Mode(boolean dryRun, boolean provisional, boolean writes) {
            this.dryRun = dryRun;
            this.provisional = provisional;
            this.writes = writes;
        }
    }

    private final Clock clock;
    private final IdSource ids;
    private final UUID runId;
    private final Mode mode;
    private final Journal journal;
    private final SafeListener listener;
    private final FileAreas areas;
    private final DefaultMigrationContext parent;
    private final Map<String, Object> values = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> journaledValues;
    private final Deque<AutoCloseable> resources;
    /** A standalone context: resources kept for a run are taken only during a runner call. */
    private volatile boolean standalone;
    /** What a standalone context's current runner call registered; {@code null} outside one. Guarded by resources. */
    private Deque<AutoCloseable> runnerCall;
    private volatile PlatformState platformState;
    private volatile String currentStep;

    /**
     * Creates a context.
     *
     * @param clock           the clock
     * @param ids             the id source
     * @param runId           the run id
     * @param platformState   the platform state, or {@code null} until known
     * @param mode            what the context is for
     * @param journal         where values are journaled (runs), or {@code null}
     * @param journaledValues values of earlier runs, by key name
     * @param listener        where progress goes, or {@code null}
     * @param areas           the step file areas
     */
    public DefaultMigrationContext(Clock clock, IdSource ids, UUID runId, PlatformState platformState, Mode mode,
                                   Journal journal, Map<String, JsonNode> journaledValues, SafeListener listener,
                                   FileAreas areas) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ids = Objects.requireNonNull(ids, "ids");
        this.runId = Objects.requireNonNull(runId, "runId");
        this.platformState = platformState;
        this.mode = Objects.requireNonNull(mode, "mode");
        this.journal = mode.writes ? journal : null;
        this.journaledValues = new ConcurrentHashMap<>(journaledValues);
        this.listener = listener;
        this.areas = Objects.requireNonNull(areas, "areas");
        this.parent = null;
        this.resources = new ArrayDeque<>();
    }

    private DefaultMigrationContext(DefaultMigrationContext parent) {
        this.clock = parent.clock;
        this.ids = parent.ids;
        this.runId = parent.runId;
        this.platformState = parent.platformState;
        this.mode = Mode.LOOK_AHEAD;
        this.journal = null;
        this.journaledValues = Map.of();
        this.listener = parent.listener;
        this.areas = parent.areas;
        this.parent = parent;
        this.resources = parent.resources;
        this.standalone = parent.standalone;
    }

    /**
     * A context for a run's look-ahead checks: reads this context's values, keeps what it puts to itself (provisional,
     * never journaled), and hands resources to this context.
     *
     * @return the look-ahead context
     */
    public DefaultMigrationContext lookAhead() {
        return new DefaultMigrationContext(this);
    }

    /**
     * Whether this context holds values of its own (a look-ahead's provisional values).
     *
     * @return {@code true} when a value was put into this context
     */
    public boolean holdsOwnValues() {
        return !values.isEmpty();
    }

    /**
     * Marks the step now running (for progress events, journaled values and file areas).
     *
     * @param stepId the step
     */
    public void enterStep(String stepId) {
        this.currentStep = stepId;
    }

    /**
     * Sets the platform state steps see.
     *
     * @param state the state
     */
    public void platformState(PlatformState state) {
        this.platformState = state;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public IdSource ids() {
        return ids;
    }

    @Override
    public UUID runId() {
        return runId;
    }

    @Override
    public PlatformState platformState() {
        return platformState;
    }

    @Override
    public boolean dryRun() {
        return mode.dryRun;
    }

    @Override
    public boolean provisional() {
        return mode.provisional;
    }

    @Override
    public Path fileArea() {
        return areas.area(currentStep, mode.writes);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Optional<T> get(ContextKey<T> key) {
        Object value = values.computeIfAbsent(key.name(), name -> {
            JsonNode json = journaledValues.get(name);
            if (json == null) {
                return null;
            }
            JavaType type = Json.mapper().getTypeFactory().constructType(key.type());
            try {
                return Json.mapper().treeToValue(json, type);
            } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
                throw new ConfigurationException(CoreErrorCode.JOURNAL_CORRUPT, "The journaled value '" + name
                        + "' cannot be read as " + key.type().getTypeName() + ": " + e.getMessage()
                        + ". The key's type changed since the value was journaled: use the version of the step that "
                        + "wrote it, or move the journal aside and run again.", e);
            }
        });
        if (value == null && parent != null) {
            return parent.get(key);
        }
        return Optional.ofNullable((T) value);
    }

    @Override
    public <T> void put(ContextKey<T> key, T value) {
        Objects.requireNonNull(value, "value");
        JsonNode json;
        Object copy;
        try {
            json = Json.mapper().valueToTree(value);
            // Keep what a resumed run will read back, not the caller's object: a value that cannot be read
            // back fails here, and later changes to the caller's object are not seen in one run but lost in another.
            copy = Json.mapper().treeToValue(json, Json.mapper().getTypeFactory().constructType(key.type()));
        } catch (IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigurationException(CoreErrorCode.CONFIGURATION_INVALID, "The value for '" + key.name()
                    + "' cannot be written as JSON and read back as " + key.type().getTypeName() + " (" + e.getMessage()
                    + "); context values must be plain data such as records, lists, maps, strings and numbers.", e);
        }
        if (journal != null) {
            journal.append(JournalEntry.value(runId, clock.instant(), currentStep, key.name(), json));
        }
        values.put(key.name(), copy);
    }

    @Override
    public <T> void putDurable(ContextKey<T> key, T value) {
        if (parent != null) {
            parent.put(key, value);
        } else {
            put(key, value);
        }
    }

    /**
     * Puts a value given by the caller of the plan: kept in memory for this run, never journaled (the caller gives it
     * again on the next run).
     *
     * @param name  the key name
     * @param value the value, already a copy
     */
    void putGiven(String name, Object value) {
        values.put(name, value);
    }

    @Override
    public void progress(long done, long total, String unit) {
        progress(done, total, unit, "");
    }

    @Override
    public void progress(long done, long total, String unit, String item) {
        if (listener != null) {
            listener.stepProgress(new MigrationEvent.StepProgress(runId, currentStep, done, total, unit, item));
        }
    }

    @Override
    public void closeBeforeLeavingState(AutoCloseable resource) {
        Objects.requireNonNull(resource, "resource");
        synchronized (resources) {
            resources.push(resource);
        }
    }

    @Override
    public boolean closeWhenRunEnds(AutoCloseable resource) {
        Objects.requireNonNull(resource, "resource");
        if (!standalone) {
            closeBeforeLeavingState(resource); // a plan's context: the run ends with the state's resources closed
            return true;
        }
        synchronized (resources) {
            if (runnerCall == null) {
                return false;
            }
            runnerCall.push(resource);
            return true;
        }
    }

    /**
     * Makes this the context of standalone calls: {@link #closeWhenRunEnds} takes resources only between
     * {@link #enterRunnerCall()} and {@link #leaveRunnerCall()}.
     */
    public void runsOnlyInsideRunnerCalls() {
        standalone = true;
    }

    /** A runner call on a standalone context begins: resources kept for the run are taken until it ends. */
    public void enterRunnerCall() {
        synchronized (resources) {
            if (runnerCall == null) {
                runnerCall = new ArrayDeque<>();
            }
        }
    }

    /**
     * A runner call on a standalone context ends: closes what it registered, newest first.
     *
     * @return a message per resource that failed to close
     */
    public List<String> leaveRunnerCall() {
        Deque<AutoCloseable> registered;
        synchronized (resources) {
            registered = runnerCall;
            runnerCall = null;
        }
        return registered == null ? List.of() : closeAll(registered);
    }

    /**
     * Closes the registered resources, newest first.
     *
     * @return a message per resource that failed to close
     */
    public List<String> closeResources() {
        return closeAll(resources);
    }

    private List<String> closeAll(Deque<AutoCloseable> registered) {
        List<String> failures = new ArrayList<>();
        while (true) {
            AutoCloseable next;
            synchronized (resources) {
                next = registered.poll();
            }
            if (next == null) {
                return failures;
            }
            try {
                next.close();
            } catch (Exception | LinkageError | AssertionError e) {
                String message = "could not close " + next + ": " + e.getMessage();
                LOG.warn("{}", message, e);
                failures.add(message);
            }
        }
    }
}
