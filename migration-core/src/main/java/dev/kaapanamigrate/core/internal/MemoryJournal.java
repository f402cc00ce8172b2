package dev.kaapanamigrate.core.internal;

/** A journal that lives as long as its plan object: resumes within one process only. */
final class MemoryJournal implements Journal {

    private final JournalState state = new JournalState();

    @Override
    public synchronized JournalState state() {
        return state;
    }

    @Override
    public synchronized void append(JournalEntry entry) {
        state.apply(entry);
    }

    @Override
    public void close() {
    }
}
