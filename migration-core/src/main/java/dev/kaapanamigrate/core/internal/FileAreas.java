package dev.kaapanamigrate.core.internal;

import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.MigrationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The file areas of steps: one directory per step id below a root. The root is a state directory's {@code steps}
 * folder, or a temporary directory made on first use and removed by {@link #close()} or, for in-memory plans, when
 * the owner is no longer reachable.
 */
public final class FileAreas implements AutoCloseable {

    private static final Cleaner CLEANER = Cleaner.create();

    private final Supplier<Path> root;
    private final TemporaryRoot temporary;
    private final Cleaner.Cleanable cleanable;

    private FileAreas(Supplier<Path> root, TemporaryRoot temporary, Object owner) {
        this.root = root;
        this.temporary = temporary;
        this.cleanable = temporary != null && owner != null ? CLEANER.register(owner, temporary) : null;
    }

    /**
     * Areas below {@code <stateDirectory>/steps}.
     *
     * @param stateDirectory the state directory
     * @return the areas
     */
    public static FileAreas in(Path stateDirectory) {
        Path steps = stateDirectory.resolve("steps");
        return new FileAreas(() -> steps, null, null);
    }

    /**
     * Areas in a temporary directory made on first use, removed when {@code owner} is no longer reachable (or on
     * {@link #close()}).
     *
     * @param owner the object whose life the areas share, or {@code null} to remove them on close only
     * @return the areas
     */
    public static FileAreas temporary(Object owner) {
        TemporaryRoot temporary = new TemporaryRoot();
        return new FileAreas(temporary::get, temporary, owner);
    }

    /**
     * The area of a step.
     *
     * @param stepId the step id
     * @param create whether to create it (and its parents) when missing
     * @return the directory
     */
    public Path area(String stepId, boolean create) {
        Objects.requireNonNull(stepId, "the file area belongs to the current step; none is running");
        Path dir = root.get().resolve(stepId);
        if (create && !Files.isDirectory(dir)) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new MigrationException(CoreErrorCode.JOURNAL_IO, "Cannot create the file area " + dir + " of step '"
                        + stepId + "': " + e.getMessage() + ". Make the state directory writable and check free space.", e);
            }
        }
        return dir;
    }

    @Override
    public void close() {
        if (cleanable != null) {
            cleanable.clean();
        } else if (temporary != null) {
            temporary.run();
        }
    }

    /** A temporary root made on first use; running it removes the tree. */
    private static final class TemporaryRoot implements Runnable {
        private Path dir;

        synchronized Path get() {
            if (dir == null) {
                try {
                    dir = Files.createTempDirectory("kaapana-migrate-areas-");
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot create a temporary directory for step file areas", e);
                }
            }
            return dir;
        }

        @Override
        public synchronized void run() {
            if (dir == null) {
                return;
            }
            try (Stream<Path> tree = Files.walk(dir)) {
                tree.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // best effort: a temporary directory left behind is removed by the system's tmp cleaning
            }
            dir = null;
        }
    }
}
