package dev.kaapanamigrate.kaapana.internal;

import dev.kaapanamigrate.core.RecordFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * Files of identifiers (series UIDs) in strictly ascending {@link String#compareTo} order, without duplicates: core's
 * {@link RecordFile} of {@link RecordFile#STRINGS strings}, written sorted and distinct in flat memory (input already in
 * order streams straight through; otherwise sorted runs are spilled beside the file and merged).
 */
public final class IdFile {

    /** The sort budget of writers that expect their input in order (and so need none). */
    private static final long IN_ORDER_BUDGET = 1L << 20;

    private IdFile() {
    }

    /**
     * Starts a file of identifiers that may come in any order.
     *
     * @param file   the file (replaced)
     * @param budget the memory budget of buffered identifiers, in bytes (roughly)
     * @return the writer; the file is complete once it is closed
     * @throws IOException when the file cannot be written
     */
    public static RecordFile.SortingWriter<String> sorted(Path file, long budget) throws IOException {
        return RecordFile.sort(file, RecordFile.STRINGS, Comparator.naturalOrder(), budget, true);
    }

    /**
     * Starts a file of identifiers that come in ascending order (repeats are dropped; should the order ever differ,
     * they are sorted all the same).
     *
     * @param file the file (replaced)
     * @return the writer; the file is complete once it is closed
     * @throws IOException when the file cannot be written
     */
    public static RecordFile.SortingWriter<String> writer(Path file) throws IOException {
        return sorted(file, IN_ORDER_BUDGET);
    }

    /**
     * Opens an identifier file.
     *
     * @param file the file
     * @return the reader
     * @throws IOException when it cannot be read or is not an identifier file
     */
    public static Reader open(Path file) throws IOException {
        return new Reader(RecordFile.read(file, RecordFile.STRINGS));
    }

    /**
     * Counts the entries of an identifier file (reads it through).
     *
     * @param file the file
     * @return the count
     * @throws IOException when it cannot be read or is damaged
     */
    public static long count(Path file) throws IOException {
        return RecordFile.count(file, RecordFile.STRINGS);
    }

    /** Reads an identifier file in its order. */
    public static final class Reader implements IdCursor {
        private final RecordFile.Reader<String> records;

        private Reader(RecordFile.Reader<String> records) {
            this.records = records;
        }

        @Override
        public String peek() {
            return records.peek();
        }

        @Override
        public String next() throws IOException {
            return records.next();
        }

        @Override
        public String name() {
            return records.file().toString();
        }

        @Override
        public void close() throws IOException {
            records.close();
        }
    }
}
