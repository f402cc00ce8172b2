package dev.kaapanamigrate.minio.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The format of a listing file: gzip of the magic {@code KMLS}, a format byte (1), then one record per entry: the key
 * (unsigned varint byte length, UTF-8 bytes), the size plus one (unsigned varlong; 0 when unknown) and the tag
 * (unsigned varint byte length plus one, 0 when absent, UTF-8 bytes). Entries are in {@link Utf8Order} of their keys.
 * Keys may hold any character, newlines included.
 */
public final class ListingFile {

    private static final byte[] MAGIC = {'K', 'M', 'L', 'S', 1};

    private ListingFile() {
    }

    /** One entry: an object (key, size, ETag), a key alone, or a file (path, size, modification tag). */
    public record Entry(String key, long size, String tag) {
    }

    /** Writes entries, in the order given. */
    public static final class Writer implements Closeable {
        private final OutputStream out;

        /**
         * Creates (or replaces) a listing file.
         *
         * @param file the file
         * @throws IOException when it cannot be created
         */
        public Writer(Path file) throws IOException {
            OutputStream raw = Files.newOutputStream(file);
            GZIPOutputStream gzip = new GZIPOutputStream(raw, 1 << 16) {
                {
                    def.setLevel(Deflater.BEST_SPEED);
                }
            };
            this.out = new BufferedOutputStream(gzip, 1 << 16);
            out.write(MAGIC);
        }

        /**
         * Writes an entry.
         *
         * @param key  the key
         * @param size the size, or -1 when unknown
         * @param tag  the tag (ETag, modification time), or {@code null}
         * @throws IOException on failure
         */
        public void write(String key, long size, String tag) throws IOException {
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            varlong(k.length);
            out.write(k);
            varlong(size + 1);
            if (tag == null) {
                varlong(0);
            } else {
                byte[] t = tag.getBytes(StandardCharsets.UTF_8);
                varlong(t.length + 1L);
                out.write(t);
            }
        }

        /**
         * Writes an entry.
         *
         * @param e the entry
         * @throws IOException on failure
         */
        public void write(Entry e) throws IOException {
            write(e.key(), e.size(), e.tag());
        }

        private void varlong(long v) throws IOException {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /** Reads entries one at a time. */
    public static final class Reader implements Closeable {
        private final DataInputStream in;
        private final Path file;
        private byte[] buffer = new byte[1024];

        /**
         * Opens a listing file.
         *
         * @param file the file
         * @throws IOException when it cannot be opened or is not a listing file
         */
        public Reader(Path file) throws IOException {
            this.file = file;
            InputStream raw = Files.newInputStream(file);
            try {
                this.in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16));
                byte[] magic = new byte[MAGIC.length];
                in.readFully(magic);
                if (!java.util.Arrays.equals(magic, MAGIC)) {
                    throw new IOException(file + " is not a listing file of this version");
                }
            } catch (IOException | RuntimeException e) {
                raw.close();
                throw e;
            }
        }

        /**
         * The next entry.
         *
         * @return the entry, or {@code null} at the end
         * @throws IOException when the file is damaged
         */
        public Entry next() throws IOException {
            int first = in.read();
            if (first < 0) {
                return null;
            }
            String key = string(varlong(first));
            long size = varlong(in.read()) - 1;
            long tagLength = varlong(in.read());
            String tag = tagLength == 0 ? null : string(tagLength - 1);
            return new Entry(key, size, tag);
        }

        private String string(long length) throws IOException {
            if (length > 1 << 20) {
                throw new IOException(file + " is damaged: an entry of " + length + " bytes");
            }
            int n = (int) length;
            if (buffer.length < n) {
                buffer = new byte[Math.max(n, buffer.length * 2)];
            }
            in.readFully(buffer, 0, n);
            return new String(buffer, 0, n, StandardCharsets.UTF_8);
        }

        private long varlong(int first) throws IOException {
            if (first < 0) {
                throw new EOFException(file + " ends in the middle of an entry");
            }
            long v = first & 0x7F;
            int shift = 7;
            int b = first;
            while ((b & 0x80) != 0) {
                b = in.read();
                if (b < 0) {
                    throw new EOFException(file + " ends in the middle of an entry");
                }
                v |= (long) (b & 0x7F) << shift;
                shift += 7;
                if (shift > 63) {
                    throw new IOException(file + " is damaged: a number too long");
                }
            }
            return v;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
