package dev.kaapanamigrate.core;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kaapanamigrate.core.internal.FileJournal;
import dev.kaapanamigrate.core.internal.JournalState;
import dev.kaapanamigrate.core.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A read-only view of the context values a plan's steps journaled: the baselines they recorded before changing anything
 * (database digests, object and index inventories), the project list, the listings' file names. For tools and tests
 * that compare an installation with what the migration recorded, without a second implementation of the steps' digests:
 * read the values, and run the recording steps' own {@code verify} in a context that holds them
 * ({@link #newContext(PlatformState)}).
 *
 * <pre>{@code
 * JournaledValues recorded = JournaledValues.read(fast.resolve(".kaapana-migrate"));   // or plan.journaledValues()
 * ProjectList projects = recorded.get(ProjectList.KEY).orElseThrow();
 * try (StandaloneContext ctx = recorded.newContext(PlatformState.TARGET_RUNNING)) {
 *     Verification v = StepRunner.verify(new MigrateBackendStep(connections), ctx);
 * }
 * }</pre>
 *
 * <p>Reading takes no lock and writes nothing; a journal being written by a running plan is read up to its last complete
 * line. Values are kept as the journal holds them (JSON) and read as a key's type when asked for; the last value of a key
 * wins, as in a resumed run.
 */
public final class JournaledValues {

    private final Map<String, JsonNode> values;
    private final String source;

    private JournaledValues(Map<String, JsonNode> values, String source) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.source = source;
    }

    /**
     * Reads the values journaled in a state directory ({@code journal.jsonl}).
     *
     * @param stateDirectory the plan's state directory, for example {@code FAST_DATA_DIR/.kaapana-migrate}
     * @return the values; none when the directory holds no journal
     * @throws MigrationException with {@link CoreErrorCode#JOURNAL_CORRUPT} when a line other than the last is damaged
     */
    public static JournaledValues read(Path stateDirectory) {
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Path journal = stateDirectory.resolve("journal.jsonl");
        if (!Files.isRegularFile(journal)) {
            return new JournaledValues(Map.of(), stateDirectory.toString());
        }
        return new JournaledValues(FileJournal.read(journal).values(), stateDirectory.toString());
    }

    /** The values of a replayed journal. */
    static JournaledValues of(JournalState state, String source) {
        return new JournaledValues(state.values(), source);
    }

    /**
     * Where the values were read from: the state directory, or {@code (in memory)}.
     *
     * @return the source, for messages
     */
    public String source() {
        return source;
    }

    /**
     * The names of the journaled keys, sorted.
     *
     * @return the names, for example {@code kaapana.projects}, {@code minio.baseline}
     */
    public Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(values.keySet()));
    }

    /**
     * Whether no value was journaled.
     *
     * @return {@code true} when the journal holds no value (or there is no journal)
     */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    /**
     * A journaled value, read as the key's type.
     *
     * @param key the key
     * @param <T> the value type
     * @return the value, or empty when no step journaled it
     * @throws ConfigurationException with {@link CoreErrorCode#JOURNAL_CORRUPT} when the journaled JSON cannot be read
     *                                as the key's type
     */
    @SuppressWarnings("unchecked")
    public <T> Optional<T> get(ContextKey<T> key) {
        Objects.requireNonNull(key, "key");
        JsonNode json = values.get(key.name());
        if (json == null) {
            return Optional.empty();
        }
        JavaType type = Json.mapper().getTypeFactory().constructType(key.type());
        try {
            return Optional.ofNullable((T) Json.mapper().treeToValue(json, type));
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw new ConfigurationException(CoreErrorCode.JOURNAL_CORRUPT, "The journaled value '" + key.name() + "' in "
                    + source + " cannot be read as " + key.type().getTypeName() + ": " + e.getMessage() + ". Read it with "
                    + "the version of the library that wrote it.", e);
        }
    }

    /**
     * A standalone context that sees these values as if the steps that journaled them had run before (they are read as
     * each key's type when a step asks; values put into the context are kept in memory, never written to the journal).
     * System clock and random ids; close it when done.
     *
     * @param state the platform state the steps run in, for example {@link PlatformState#TARGET_RUNNING}
     * @return a new context
     */
    public StandaloneContext newContext(PlatformState state) {
        Objects.requireNonNull(state, "state");
        return new StandaloneContext(Clock.systemUTC(), IdSource.random(), state, false, values);
    }

    @Override
    public String toString() {
        return "JournaledValues[" + source + ": " + names() + "]";
    }
}
