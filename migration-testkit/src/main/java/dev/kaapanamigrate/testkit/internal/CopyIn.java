package dev.kaapanamigrate.testkit.internal;

import java.io.IOException;
import java.io.Reader;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Iterator;
import org.postgresql.PGConnection;

/**
 * Streams rows into a table with {@code COPY … FROM STDIN} (text format): rows are produced one at a time
 * while the server reads, so a million rows need no memory.
 */
public final class CopyIn {

    private CopyIn() {
    }

    /**
     * Copies rows into a table.
     *
     * @param connection the connection
     * @param target     {@code table(col, col, …)}
     * @param rows       the rows; {@code null} values become SQL NULL, other values their {@code toString()}
     * @return the number of rows copied
     * @throws SQLException when the server refuses them
     */
    public static long copy(Connection connection, String target, Iterator<Object[]> rows) throws SQLException {
        try {
            return connection.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY " + target + " FROM STDIN", new RowReader(rows));
        } catch (IOException e) {
            throw new SQLException("COPY into " + target + " failed: " + e.getMessage(), e);
        }
    }

    /** A Reader that renders rows as COPY text lines on demand. */
    private static final class RowReader extends Reader {
        private final Iterator<Object[]> rows;
        private final StringBuilder line = new StringBuilder(256);
        private int position;

        RowReader(Iterator<Object[]> rows) {
            this.rows = rows;
        }

        @Override
        public int read(char[] buffer, int offset, int length) {
            // Fill the whole buffer: the driver sends one CopyData message per read, so one line per read
            // would cost a message (and a syscall) per row.
            int written = 0;
            while (written < length) {
                if (position == line.length()) {
                    if (!rows.hasNext()) {
                        break;
                    }
                    render(rows.next());
                }
                int n = Math.min(length - written, line.length() - position);
                line.getChars(position, position + n, buffer, offset + written);
                position += n;
                written += n;
            }
            return written == 0 ? -1 : written;
        }

        private void render(Object[] row) {
            line.setLength(0);
            position = 0;
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    line.append('\t');
                }
                Object value = row[i];
                if (value == null) {
                    line.append("\\N");
                } else {
                    escape(value.toString());
                }
            }
            line.append('\n');
        }

        private void escape(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '\\' -> line.append("\\\\");
                    case '\t' -> line.append("\\t");
                    case '\n' -> line.append("\\n");
                    case '\r' -> line.append("\\r");
                    default -> line.append(c);
                }
            }
        }

        @Override
        public void close() {
        }
    }
}
