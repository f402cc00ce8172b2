package dev.kaapanamigrate.kaapana.internal;

import java.io.IOException;

/** A stream of identifiers in strictly ascending {@link String#compareTo} order, read one at a time. */
public interface IdCursor extends AutoCloseable {

    /**
     * The next identifier without consuming it.
     *
     * @return the identifier, or {@code null} at the end
     */
    String peek();

    /**
     * Consumes the next identifier.
     *
     * @return the identifier, or {@code null} at the end
     * @throws IOException when reading fails
     */
    String next() throws IOException;

    /**
     * What the stream reads, for messages.
     *
     * @return a file or source name
     */
    String name();

    @Override
    void close() throws IOException;

    /**
     * An empty stream.
     *
     * @param name its name
     * @return the cursor
     */
    static IdCursor empty(String name) {
        return new IdCursor() {
            @Override
            public String peek() {
                return null;
            }

            @Override
            public String next() {
                return null;
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public void close() {
            }
        };
    }
}
