package dev.kaapanamigrate.opensearch.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The file format of a document listing: gzip of a header ({@code KMOSL1}), records (a byte 1, the id as
 * {@link DataOutputStream#writeUTF modified UTF-8}, 16 hash bytes) in ascending id order, and a trailer (a byte 0, the
 * record count). Also used without gzip for the runs of the external sort.
 */
public final class Listing {

    private static final byte[] MAGIC = {'K', 'M', 'O', 'S', 'L', '1'};

    private Listing() {
    }

    /**
     * One listed document.
     *
     * @param id   the document id
     * @param hash the canonical hash of its source (16 bytes)
     */
    public record Entry(String id, byte[] hash) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && e.id.equals(id) && Arrays.equals(e.hash, hash);
        }

        @Override
        public int hashCode() {
            return id.hashCode() * 31 + Arrays.hashCode(hash);
        }

        @Override
        public String toString() {
            return id + "=" + SetDigest.hex(hash);
        }
    }

    /** Writes a listing; entries must come in ascending id order for a final listing. */
    public static final class Writer implements AutoCloseable {
        private final DataOutputStream out;
        private long count;

        /**
         * Opens a writer.
         *
         * @param file       the file (replaced)
         * @param compressed gzip (final listings) or plain (sort runs)
         * @throws IOException when the file cannot be written
         */
        public Writer(Path file, boolean compressed) throws IOException {
            OutputStream raw = Files.newOutputStream(file);
            OutputStream o = compressed ? new FastGzip(raw) : raw;
            this.out = new DataOutputStream(new BufferedOutputStream(o, 1 << 16));
            out.write(MAGIC);
        }

        /**
         * Appends an entry.
         *
         * @param e the entry
         * @throws IOException when writing fails
         */
        public void write(Entry e) throws IOException {
            out.writeByte(1);
            out.writeUTF(e.id());
            out.write(e.hash());
            count++;
        }

        /**
         * Entries written.
         *
         * @return the count
         */
        public long count() {
            return count;
        }

        @Override
        public void close() throws IOException {
            out.writeByte(0);
            out.writeLong(count);
            out.close();
        }
    }

    /** Gzip at the fastest level: the hashes do not compress anyway. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(java.util.zip.Deflater.BEST_SPEED);
        }
    }

    /** Reads a listing in its order. */
    public static final class Reader implements AutoCloseable {
        private final Path file;
        private final DataInputStream in;
        private Entry next;
        private long read;
        private boolean done;

        /**
         * Opens a reader.
         *
         * @param file       the file
         * @param compressed whether it is gzip
         * @throws IOException when the file cannot be read or is not a listing
         */
        public Reader(Path file, boolean compressed) throws IOException {
            this.file = file;
            InputStream raw = Files.newInputStream(file);
            InputStream i = compressed ? new GZIPInputStream(raw, 1 << 16) : raw;
            this.in = new DataInputStream(new BufferedInputStream(i, 1 << 16));
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                in.close();
                throw new IOException(file + " is not a document listing");
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
                    long count = in.readLong();
                    if (count != read) {
                        throw new IOException(file + " is damaged: its trailer says " + count + " entries, it holds "
                                + read);
                    }
                    done = true;
                    next = null;
                    return;
                }
                String id = in.readUTF();
                byte[] hash = new byte[CanonicalJson.HASH_BYTES];
                in.readFully(hash);
                next = new Entry(id, hash);
                read++;
            } catch (EOFException e) {
                throw new IOException(file + " is cut short after " + read + " entries", e);
            }
        }

        /**
         * The next entry without consuming it.
         *
         * @return the entry, or {@code null} at the end
         */
        public Entry peek() {
            return next;
        }

        /**
         * Consumes the next entry.
         *
         * @return the entry, or {@code null} at the end
         * @throws IOException when reading fails
         */
        public Entry next() throws IOException {
            Entry e = next;
            if (e != null) {
                advance();
            }
            return e;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
