package dev.kaapanamigrate.core.internal;

import dev.kaapanamigrate.core.ConcurrentRunException;
import dev.kaapanamigrate.core.LockHolder;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/** Where a plan keeps its journal and lock: a directory, or memory for tests and one-process tools. */
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
     * Reads the journal without changing anything (dry-run).
     *
     * @return the replayed state
     */
    JournalState readJournal();

    /**
     * A state directory holding {@code journal.jsonl} and {@code run.lock}.
     *
     * @param dir the directory
     * @return the store
     */
    static StateStore directory(Path dir) {
        Path journal = dir.resolve("journal.jsonl");
        Path lock = dir.resolve("run.lock");
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
            public String toString() {
                return dir.toString();
            }
        };
    }

    /**
     * State kept in memory: it lives as long as the store (one plan object).
     *
     * @return the store
     */
    static StateStore memory() {
        MemoryJournal journal = new MemoryJournal();
        AtomicReference<LockHolder> holder = new AtomicReference<>();
        return new StateStore() {
            @Override
            public RunLock lock(LockHolder me) {
                if (!holder.compareAndSet(null, me)) {
                    throw new ConcurrentRunException(Path.of("(in memory)"), holder.get());
                }
                return new RunLock() {
                    @Override
                    public java.util.Optional<LockHolder> staleHolder() {
                        return java.util.Optional.empty();
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
            public String toString() {
                return "(in memory)";
            }
        };
    }
}
