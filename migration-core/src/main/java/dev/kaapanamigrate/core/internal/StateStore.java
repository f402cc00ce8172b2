package dev.kaapanamigrate.core.internal;

import dev.kaapanamigrate.core.ConcurrentRunException;
import dev.kaapanamigrate.core.LockHolder;
import dev.kaapanamigrate.core.Problem;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where a plan keeps its journal, lock and step file areas: a directory (bound to the installation whose root it names),
 * or memory for tests and one-process tools.
 */
public interface StateStore {

    /**
     * Takes the run lock.
     *
     * @param me the run taking it
     * @return the held lock
     * @throws ConcurrentRunException when another run holds it
     */
    RunLock lock(LockHolder me);

    /**
     * Opens the journal for a run; call only while holding the lock.
     *
     * @return the journal
     */
    Journal openJournal();

    /**
     * Reads the journal without changing anything (dry-run, verify-only).
     *
     * @return the replayed state
     */
    JournalState readJournal();

    /**
     * The step file areas.
     *
     * @return the areas
     */
    FileAreas fileAreas();

    /**
     * What would stop a run from taking the lock and writing the journal, found without writing.
     *
     * @return the problems; empty when a run can start
     */
    List<Problem> problems();

    /**
     * Whether the store exists yet (a dry-run never creates it).
     *
     * @return {@code true} when a run created it
     */
    boolean exists();

    /**
     * The identity of the installation this store's journal must belong to, as the installation is now; empty for
     * in-memory state, which belongs to its plan object.
     *
     * @return the identity, or empty
     */
    Optional<InstallationIdentity> installation();

    /**
     * The installation's root folder, for messages; empty for in-memory state.
     *
     * @return the root
     */
    Optional<Path> installationRoot();

    /**
     * A state directory holding {@code journal.jsonl}, {@code run.lock} and the step areas under {@code steps/},
     * bound to the installation whose root folder is given.
     *
     * @param dir  the directory
     * @param root the installation's root folder (for example FAST_DATA_DIR)
     * @return the store
     */
    static StateStore directory(Path dir, Path root) {
        Path journal = dir.resolve("journal.jsonl");
        Path lock = dir.resolve("run.lock");
        FileAreas areas = FileAreas.in(dir);
        return new StateStore() {
            @Override
            public RunLock lock(LockHolder me) {
                return FileRunLock.acquire(lock, me);
            }

            @Override
            public Journal openJournal() {
                return FileJournal.open(journal);
            }

            @Override
            public JournalState readJournal() {
                return FileJournal.read(journal);
            }

            @Override
            public FileAreas fileAreas() {
                return areas;
            }

            @Override
            public List<Problem> problems() {
                return StateDirectoryCheck.problems(dir);
            }

            @Override
            public boolean exists() {
                return java.nio.file.Files.isDirectory(dir);
            }

            @Override
            public Optional<InstallationIdentity> installation() {
                return InstallationIdentity.of(root);
            }

            @Override
            public Optional<Path> installationRoot() {
                return Optional.of(root);
            }

            @Override
            public String toString() {
                return dir.toString();
            }
        };
    }

    /**
     * State kept in memory: it lives as long as the store (one plan object and the plans derived from it); step file
     * areas lie in a temporary directory removed when the store is no longer reachable.
     *
     * @return the store
     */
    static StateStore memory() {
        MemoryJournal journal = new MemoryJournal();
        AtomicReference<LockHolder> holder = new AtomicReference<>();
        return new StateStore() {
            private final FileAreas areas = FileAreas.temporary(this);

            @Override
            public RunLock lock(LockHolder me) {
                if (!holder.compareAndSet(null, me)) {
                    throw new ConcurrentRunException(Path.of("(in memory)"), holder.get());
                }
                return new RunLock() {
                    @Override
                    public Optional<LockHolder> staleHolder() {
                        return Optional.empty();
                    }

                    @Override
                    public void close() {
                        holder.set(null);
                    }
                };
            }

            @Override
            public Journal openJournal() {
                return journal;
            }

            @Override
            public JournalState readJournal() {
                return journal.snapshot();
            }

            @Override
            public FileAreas fileAreas() {
                return areas;
            }

            @Override
            public List<Problem> problems() {
                return List.of();
            }

            @Override
            public boolean exists() {
                return true;
            }

            @Override
            public Optional<InstallationIdentity> installation() {
                return Optional.empty();
            }

            @Override
            public Optional<Path> installationRoot() {
                return Optional.empty();
            }

            @Override
            public String toString() {
                return "(in memory)";
            }
        };
    }
}
