package dev.kaapanamigrate.core.internal;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kaapanamigrate.core.ConfigurationException;
import dev.kaapanamigrate.core.ContextKey;
import dev.kaapanamigrate.core.ErrorCode;
import dev.kaapanamigrate.core.IdSource;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationEvent;
import dev.kaapanamigrate.core.PlatformState;
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
 * The context of a run, a dry-run or a standalone call. Values put during a run are journaled as JSON;
 * journaled values of an earlier run are read back lazily, as the type their key names.
 */
public final class DefaultMigrationContext implements MigrationContext {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultMigrationContext.class);

    private final Clock clock;
    private final IdSource ids;
    private final UUID runId;
    private final boolean dryRun;
    private final Journal journal;
    private final SafeListener listener;
    private final Map<String, Object> values = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> journaledValues;
    private volatile PlatformState platformState;
    private volatile String currentStep;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    DefaultMigrationContext(Clock clock, IdSource ids, UUID runId, PlatformState platformState, boolean dryRun,
                            Journal journal, Map<String, JsonNode> journaledValues, SafeListener listener) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ids = Objects.requireNonNull(ids, "ids");
        this.runId = Objects.requireNonNull(runId, "runId");
        this.platformState = platformState;
        this.dryRun = dryRun;
        this.journal = journal;
        this.journaledValues = new ConcurrentHashMap<>(journaledValues);
        this.listener = listener;
    }

    /**
     * A context for calling steps outside a plan.
     *
     * @param clock  the clock
     * @param ids    the id source
     * @param state  the platform state
     * @param dryRun whether this is a dry-run
     * @return the context
     */
    public static MigrationContext standalone(Clock clock, IdSource ids, PlatformState state, boolean dryRun) {
        return new DefaultMigrationContext(clock, ids, ids.newId(), state, dryRun, null, Map.of(), null);
    }

    void enterStep(String stepId) {
        this.currentStep = stepId;
    }

    void platformState(PlatformState state) {
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
        return dryRun;
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
                throw new ConfigurationException(ErrorCode.JOURNAL_CORRUPT, "The journaled value '" + name
                        + "' cannot be read as " + key.type().getTypeName() + ": " + e.getMessage()
                        + ". The key's type changed since the value was journaled: use the version of the step that "
                        + "wrote it, or move the journal aside and run again.", e);
            }
        });
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
            throw new ConfigurationException(ErrorCode.CONFIGURATION_INVALID, "The value for '" + key.name()
                    + "' cannot be written as JSON and read back as " + key.type().getTypeName() + " (" + e.getMessage()
                    + "); context values must be plain data such as records, lists, maps, strings and numbers.", e);
        }
        if (journal != null && !dryRun) {
            journal.append(JournalEntry.value(runId, clock.instant(), currentStep, key.name(), json));
        }
        values.put(key.name(), copy);
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
    public List<String> closeResources() {
        List<String> failures = new ArrayList<>();
        while (true) {
            AutoCloseable next;
            synchronized (resources) {
                next = resources.poll();
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
