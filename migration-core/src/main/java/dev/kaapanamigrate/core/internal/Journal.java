package dev.kaapanamigrate.core.internal;

/** An append-only record of a plan's runs, replayed to resume after a crash. */
public interface Journal extends AutoCloseable {

    /**
     * What the journal held when it was opened, plus everything appended since.
     *
     * @return the replayed state
     */
    JournalState state();

    /**
     * Appends one entry durably: when this returns, the entry survives a crash of the process.
     *
     * @param entry the entry
     */
    void append(JournalEntry entry);

    @Override
    void close();
}
