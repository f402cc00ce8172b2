package dev.kaapanamigrate.kaapana.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A file of identifiers (series UIDs) in strictly ascending {@link String#compareTo} order, without duplicates: gzip of
 * the magic {@code KMIDS1}, per entry a byte 1, the UTF-8 length as a varint and the bytes, then a byte 0 and the count
 * as a varint. Sort runs use the same format without gzip. Streams in flat memory both ways.
 */
public final class IdFile {

    private static final byte[] MAGIC = {'K', 'M', 'I', 'D', 'S', '1'};

    private IdFile() {
    }

    /** Writes identifiers that come in strictly ascending order. */
    public static final class Writer implements AutoCloseable {
        private final Path file;
        private final DataOutputStream out;
        private String last;
        private long count;
        private boolean closed;

        /**
         * Opens a writer.
         *
         * @param file       the file (replaced)
         * @param compressed gzip (final files) or plain (sort runs)
         * @throws IOException when the file cannot be written
         */
        public Writer(Path file, boolean compressed) throws IOException {
            this.file = file;
            OutputStream raw = Files.newOutputStream(file);
            OutputStream o = compressed ? new FastGzip(raw) : raw;
            this.out = new DataOutputStream(new BufferedOutputStream(o, 1 << 16));
            out.write(MAGIC);
        }

        /**
         * Appends an identifier; an identifier equal to the previous one is dropped.
         *
         * @param id the identifier
         * @throws IOException           when writing fails
         * @throws IllegalStateException when it sorts before the previous one
         */
        public void add(String id) throws IOException {
            if (last != null) {
                int c = last.compareTo(id);
                if (c == 0) {
                    return;
                }
                if (c > 0) {
                    throw new IllegalStateException(file + ": '" + id + "' after '" + last + "' (not ascending)");
                }
            }
            byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
            out.writeByte(1);
            writeVarLong(out, bytes.length);
            out.write(bytes);
            last = id;
            count++;
        }

        /**
         * How many identifiers were written.
         *
         * @return the count
         */
        public long count() {
            return count;
        }

        /**
         * The file.
         *
         * @return the path
         */
        public Path file() {
            return file;
        }

        /**
         * Writes the trailer and closes the file.
         *
         * @return how many identifiers it holds
         * @throws IOException when writing fails
         */
        public long finish() throws IOException {
            close();
            return count;
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            out.writeByte(0);
            writeVarLong(out, count);
            out.close();
        }
    }

    /** Reads an identifier file in its order. */
    public static final class Reader implements IdCursor {
        private final Path file;
        private final DataInputStream in;
        private String next;
        private long read;
        private boolean done;

        /**
         * Opens a reader.
         *
         * @param file       the file
         * @param compressed whether it is gzip
         * @throws IOException when the file cannot be read or is not an identifier file
         */
        public Reader(Path file, boolean compressed) throws IOException {
            this.file = file;
            InputStream raw = Files.newInputStream(file);
            InputStream i;
            try {
                i = compressed ? new GZIPInputStream(raw, 1 << 16) : raw;
            } catch (IOException e) {
                raw.close();
                throw new IOException(file + " is not an identifier file: " + e.getMessage(), e);
            }
            this.in = new DataInputStream(new BufferedInputStream(i, 1 << 16));
            byte[] magic = new byte[MAGIC.length];
            try {
                in.readFully(magic);
            } catch (EOFException e) {
                in.close();
                throw new IOException(file + " is not an identifier file (too short)", e);
            }
            if (!Arrays.equals(magic, MAGIC)) {
                in.close();
                throw new IOException(file + " is not an identifier file");
            }
            advance();
        }

        private void advance() throws IOException {
            if (done) {
                next = null;
                return;
            }
            try {
                byte marker = in.readByte();
                if (marker == 0) {
                    long count = readVarLong(in);
                    if (count != read) {
                        throw new IOException(file + " is damaged: its trailer says " + count + " entries, it holds " + read);
                    }
                    done = true;
                    next = null;
                    return;
                }
                int length = (int) readVarLong(in);
                byte[] bytes = new byte[length];
                in.readFully(bytes);
                next = new String(bytes, StandardCharsets.UTF_8);
                read++;
            } catch (EOFException e) {
                throw new IOException(file + " is cut short after " + read + " entries", e);
            }
        }

        @Override
        public String peek() {
            return next;
        }

        @Override
        public String next() throws IOException {
            String e = next;
            if (e != null) {
                advance();
            }
            return e;
        }

        @Override
        public String name() {
            return file.toString();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /**
     * Opens a final (gzip) identifier file.
     *
     * @param file the file
     * @return the reader
     * @throws IOException when it cannot be read
     */
    public static Reader open(Path file) throws IOException {
        return new Reader(file, true);
    }

    /**
     * Counts the entries of a final identifier file (reads it through).
     *
     * @param file the file
     * @return the count
     * @throws IOException when it cannot be read or is damaged
     */
    public static long count(Path file) throws IOException {
        long n = 0;
        try (Reader r = open(file)) {
            while (r.next() != null) {
                n++;
            }
        }
        return n;
    }

    static void writeVarLong(DataOutputStream out, long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    static long readVarLong(DataInputStream in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("varint too long");
    }

    /** Gzip at the fastest level. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }
}
