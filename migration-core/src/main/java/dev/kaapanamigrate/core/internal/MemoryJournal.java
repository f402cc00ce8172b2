package dev.kaapanamigrate.core.internal;

/** A journal that lives as long as its plan object: resumes within one process only. */
final class MemoryJournal implements Journal {

    private final JournalState state = new JournalState();

    @Override
    public synchronized JournalState state() {
        return state;
    }

    /**
     * A snapshot that later appends do not change (a dry-run may read while a run appends).
     *
     * @return the snapshot
     */
    synchronized JournalState snapshot() {
        return state.copy();
    }

    @Override
    public synchronized void append(JournalEntry entry) {
        state.apply(entry);
    }

    @Override
    public void close() {
    }
}
