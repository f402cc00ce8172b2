package dev.kaapanamigrate.postgres.internal;

import dev.kaapanamigrate.core.MigrationContext;
import java.util.List;

/**
 * Reports a database step's progress table by table: {@code ctx.progress(k, n, unit, table)} after each table of a
 * fixed list, so listeners see which table is done and how many are left.
 */
public final class TableProgress {

    private final MigrationContext ctx;
    private final String unit;
    private final List<String> tables;
    private int done;

    /**
     * Creates the reporter.
     *
     * @param ctx    the context to report to
     * @param unit   what is counted, for example {@code "tables migrated"}
     * @param tables the tables, in the order they finish
     */
    public TableProgress(MigrationContext ctx, String unit, List<String> tables) {
        this.ctx = ctx;
        this.unit = unit;
        this.tables = List.copyOf(tables);
    }

    /**
     * Reports the next table of the list done.
     *
     * @param table the table just finished; must be the next one of the list
     * @throws IllegalStateException if it is not (a programming error in the step)
     */
    public void finished(String table) {
        if (done >= tables.size() || !tables.get(done).equals(table)) {
            throw new IllegalStateException("progress for " + table + " out of order; expected the next of " + tables
                    + " after " + done);
        }
        ctx.progress(++done, tables.size(), unit, table);
    }
}
