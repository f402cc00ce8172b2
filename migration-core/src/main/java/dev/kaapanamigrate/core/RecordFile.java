package dev.kaapanamigrate.core;

import dev.kaapanamigrate.core.internal.BufferedDataInput;
import dev.kaapanamigrate.core.internal.BufferedDataOutput;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Files of records written and read one record at a time, in flat memory: the listings steps keep in their file area
 * (object keys, document ids with their hashes, series UIDs, folder entries), sorted so that two listings are compared
 * by merging two streams instead of holding a map of everything. The one implementation every module uses; a module
 * gives only a {@link Codec} for its record type.
 *
 * <p>Format: compressed, the magic {@code KMRF}, a format byte (1), the codec's {@link Codec#name() name}, then each
 * record as a byte 1 and the codec's bytes, and a trailer: a byte 0 and the record count as a varint. The compression
 * is Zstandard (level 1, with its content checksum; {@code zstd -dc} reads it) where zstd-jni's native library loads,
 * else gzip at its fastest level ({@code zcat}); a reader takes either, by the magic number. A sorted file that needed
 * runs is written as three concatenated frames (gzip members) — header and the lower half, the upper half, the
 * trailer — which both formats' readers read as one stream. A file written with another codec, cut short or with a
 * wrong count is refused with an {@link IOException} naming the file. Sort runs use the same format uncompressed.
 *
 * <pre>{@code
 * try (RecordFile.SortingWriter<String> ids = RecordFile.sort(area.resolve("series.ids"), RecordFile.STRINGS,
 *         Comparator.naturalOrder(), 4 << 20, true)) {
 *     for (String uid : uidsInAnyOrder) {
 *         ids.add(uid);
 *     }
 *     ids.finish(); // without it, closing removes the unfinished file
 * }
 * try (RecordFile.Reader<String> r = RecordFile.read(area.resolve("series.ids"), RecordFile.STRINGS)) {
 *     for (String uid = r.next(); uid != null; uid = r.next()) {
 *         LOG.debug("series {}", uid);
 *     }
 * }
 * }</pre>
 */
public final class RecordFile {

    private static final byte[] MAGIC = {'K', 'M', 'R', 'F', 1};
    private static final int BUFFER = 1 << 16;
    /** The magic numbers of the listing files of versions before this format (for a clear refusal). */
    private static final java.util.Set<String> EARLIER_FORMATS = java.util.Set.of("KMLS", "KMOS", "KMID", "KMFL");
    /** How many runs one merge pass reads at once. */
    static final int FAN_IN = 64;

    /** Strings (varint length and UTF-8 bytes), for files of identifiers. */
    public static final Codec<String> STRINGS = new Codec<>() {
        @Override
        public String name() {
            return "strings/1";
        }

        @Override
        public void write(DataOutput out, String record) throws IOException {
            writeString(out, record);
        }

        @Override
        public String read(DataInput in) throws IOException {
            return readString(in);
        }

        @Override
        public long memorySize(String record) {
            return 48 + 2L * record.length();
        }
    };

    private RecordFile() {
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // the part file is removed next; the first failure is the one reported
        }
    }

    /**
     * How one record type is written and read. A codec, like the order given to {@link #sort}, must be stateless: a
     * sorted file's final merge runs on two threads at once.
     *
     * @param <T> the record type
     */
    public interface Codec<T> {
        /**
         * The name of the format, written into each file and checked when it is read; change it (a version suffix)
         * whenever the bytes of a record change.
         *
         * @return for example {@code minio.objects/1}
         */
        String name();

        /**
         * Writes one record.
         *
         * @param out    where to
         * @param record the record
         * @throws IOException when writing fails
         */
        void write(DataOutput out, T record) throws IOException;

        /**
         * Reads one record written by {@link #write}.
         *
         * @param in where from
         * @return the record
         * @throws IOException when reading fails or the bytes are damaged
         */
        T read(DataInput in) throws IOException;

        /**
         * Roughly how many bytes of heap a record takes, for the memory budget of {@link SortingWriter}.
         *
         * @param record the record
         * @return bytes
         */
        default long memorySize(T record) {
            return 64;
        }
    }

    /**
     * Starts a file whose records are written in the order given.
     *
     * @param file  the file (replaced)
     * @param codec the record format
     * @param <T>   the record type
     * @return the writer
     * @throws IOException when the file cannot be created
     */
    public static <T> Writer<T> write(Path file, Codec<T> codec) throws IOException {
        return new Writer<>(file, codec, true);
    }

    /**
     * Starts a file whose records may come in any order and are written sorted: records that arrive in order stream
     * straight through; once one arrives out of order, records are buffered up to a memory budget, sorted and spilled
     * as runs into a folder beside the file ({@code <file>.runs}), and merged when the writer is closed.
     *
     * @param file         the file (replaced)
     * @param codec        the record format
     * @param order        the order of the file
     * @param budgetBytes  roughly how many bytes of records to hold in memory (see {@link Codec#memorySize})
     * @param distinct     whether records equal in {@code order} to the one before are dropped
     * @param <T>          the record type
     * @return the writer
     * @throws IOException when the file cannot be created
     */
    public static <T> SortingWriter<T> sort(Path file, Codec<T> codec, Comparator<? super T> order, long budgetBytes,
                                            boolean distinct) throws IOException {
        return new SortingWriter<>(file, codec, order, budgetBytes, distinct);
    }

    /**
     * Opens a file for reading, in its order.
     *
     * @param file  the file
     * @param codec the record format it was written with
     * @param <T>   the record type
     * @return the reader
     * @throws IOException when the file cannot be read, is not a record file or was written with another codec
     */
    public static <T> Reader<T> read(Path file, Codec<T> codec) throws IOException {
        return new Reader<>(file, codec);
    }

    /**
     * Counts the records of a file, reading it through (and so checking its trailer).
     *
     * @param file  the file
     * @param codec the record format
     * @return the count
     * @throws IOException when it cannot be read or is damaged
     */
    public static long count(Path file, Codec<?> codec) throws IOException {
        long n = 0;
        try (Reader<?> r = read(file, codec)) {
            while (r.next() != null) {
                n++;
            }
        }
        return n;
    }

    /**
     * Writes an unsigned variable-length number (7 bits a byte, low bits first).
     *
     * @param out where to
     * @param v   a number, 0 or more
     * @throws IOException when writing fails
     */
    public static void writeVarLong(DataOutput out, long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    /**
     * Reads a number written by {@link #writeVarLong}.
     *
     * @param in where from
     * @return the number
     * @throws IOException when reading fails or the number is too long
     */
    public static long readVarLong(DataInput in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("a number too long");
    }

    /**
     * Writes a string of any length: its UTF-8 byte count as a varint, then the bytes.
     *
     * @param out where to
     * @param s   the string
     * @throws IOException when writing fails
     */
    public static void writeString(DataOutput out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        writeVarLong(out, bytes.length);
        out.write(bytes);
    }

    /**
     * Reads a string written by {@link #writeString}.
     *
     * @param in where from
     * @return the string
     * @throws IOException when reading fails or the length is implausible
     */
    public static String readString(DataInput in) throws IOException {
        long length = readVarLong(in);
        if (length > 1 << 24) {
            throw new IOException("a string of " + length + " bytes");
        }
        byte[] bytes = new byte[(int) length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Writes records in the order given, into {@code <file>.part}: {@link #finish()} completes the file and gives it its
     * name, so a file under its name is always complete; {@link #close()} without {@code finish()} removes the part
     * (a listing that failed half-way leaves nothing that looks like a listing).
     *
     * @param <T> the record type
     */
    public static final class Writer<T> implements Closeable {
        private final Path file;
        private final Path part;
        private final Codec<T> codec;
        private final BufferedDataOutput out;
        private long count;
        private boolean closed;

        private Writer(Path file, Codec<T> codec, boolean compressed) throws IOException {
            this(file, codec, compressed, true);
        }

        /** With {@code header} false, the file is a segment to be appended to one that has it. */
        private Writer(Path file, Codec<T> codec, boolean compressed, boolean header) throws IOException {
            this.file = file;
            this.part = file.resolveSibling(file.getFileName() + ".part");
            this.codec = codec;
            OutputStream raw = Files.newOutputStream(part);
            OutputStream o = raw;
            try {
                o = compressed ? new BackgroundCompression(compressing(raw)) : raw;
                this.out = new BufferedDataOutput(o, BUFFER);
                if (header) {
                    out.write(MAGIC);
                    out.writeUTF(codec.name());
                }
            } catch (IOException | RuntimeException e) {
                closeQuietly(o);
                raw.close();
                Files.deleteIfExists(part);
                throw e;
            }
        }

        /**
         * Appends a record.
         *
         * @param record the record
         * @throws IOException when writing fails
         */
        public void add(T record) throws IOException {
            out.writeByte(1);
            codec.write(out, record);
            count++;
        }

        /**
         * Records written so far.
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
         * Writes the trailer, closes the file and gives it its name (replacing a file of that name).
         *
         * @return how many records it holds
         * @throws IOException when writing fails (nothing is left under the file's name then)
         */
        public long finish() throws IOException {
            return finish(true);
        }

        /** Without the trailer: a segment whose records a later segment's trailer counts. */
        private long finish(boolean trailer) throws IOException {
            if (closed) {
                throw new IllegalStateException(file + " is already closed");
            }
            closed = true;
            try {
                if (trailer) {
                    out.writeByte(0);
                    writeVarLong(out, count);
                }
                out.close();
                Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                closeQuietly(out);
                Files.deleteIfExists(part);
                throw e;
            }
            return count;
        }

        /** Removes the unfinished file unless {@link #finish()} completed it; closing twice does nothing. */
        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            closeQuietly(out);
            Files.deleteIfExists(part);
        }
    }

    /**
     * Reads records in the file's order, one ahead ({@link #peek()}).
     *
     * @param <T> the record type
     */
    public static final class Reader<T> implements Closeable {
        private final Path file;
        private final Codec<T> codec;
        private BufferedDataInput in;
        private T next;
        private long read;
        private boolean done;

        private Reader(Path file, Codec<T> codec) throws IOException {
            this.file = file;
            this.codec = codec;
            InputStream raw = Files.newInputStream(file);
            InputStream opened = raw; // the outermost stream so far: closing it frees a decompressor's native memory too
            try {
                PushbackInputStream probe = new PushbackInputStream(new BufferedInputStream(raw, BUFFER),
                        ZSTD_MAGIC.length);
                byte[] head = new byte[ZSTD_MAGIC.length];
                int got = probe.readNBytes(head, 0, head.length);
                probe.unread(head, 0, got);
                InputStream i = got >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b
                        ? new GZIPInputStream(probe, BUFFER)
                        : got == ZSTD_MAGIC.length && java.util.Arrays.equals(head, ZSTD_MAGIC)
                        ? zstdInput(probe) : probe;
                opened = i;
                in = new BufferedDataInput(i, BUFFER);
                byte[] magic = new byte[MAGIC.length];
                in.readFully(magic);
                if (!java.util.Arrays.equals(magic, MAGIC)) {
                    throw new NamedFailure(file + (EARLIER_FORMATS.contains(new String(magic, 0, 4,
                            StandardCharsets.ISO_8859_1)) ? " was written by an earlier version of kaapana-migrate, "
                            + "whose listing format this version does not read: finish this migration with the version "
                            + "that started it" : " is not a listing file"));
                }
                String name = in.readUTF();
                if (!name.equals(codec.name())) {
                    throw new NamedFailure(file + " holds records of the format '" + name + "', expected '"
                            + codec.name() + "'");
                }
                advance();
            } catch (EOFException e) {
                opened.close();
                throw new IOException(file + " is not a listing file (too short)", e);
            } catch (NamedFailure | RuntimeException e) {
                opened.close();
                throw e;
            } catch (IOException e) {
                opened.close();
                // the decompressor's own refusal (a checksum, a cut frame): named with the file
                throw new IOException(file + " is damaged: " + e.getMessage(), e);
            }
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
                        throw new NamedFailure(file + " is damaged: its trailer says " + count + " records, it holds "
                                + read);
                    }
                    if (in.read() >= 0) { // reading to the end also checks the checksum
                        throw new NamedFailure(file + " is damaged: bytes after its trailer");
                    }
                    done = true;
                    next = null;
                    return;
                }
                if (marker != 1) {
                    throw new NamedFailure(file + " is damaged after " + read + " records");
                }
                next = codec.read(in);
                read++;
            } catch (EOFException e) {
                throw new NamedFailure(file + " is cut short after " + read + " records", e);
            } catch (NamedFailure e) {
                throw e;
            } catch (IOException e) {
                // the decompressor's own refusal (a checksum, a cut frame) or the codec's: named with the file
                throw new NamedFailure(file + " is damaged after " + read + " records: " + e.getMessage(), e);
            }
        }

        /**
         * The next record without consuming it.
         *
         * @return the record, or {@code null} at the end
         */
        public T peek() {
            return next;
        }

        /**
         * Consumes the next record.
         *
         * @return the record, or {@code null} at the end
         * @throws IOException when reading fails or the file is damaged
         */
        public T next() throws IOException {
            T r = next;
            if (r != null) {
                advance();
            }
            return r;
        }

        /**
         * The file.
         *
         * @return the path
         */
        public Path file() {
            return file;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /**
     * Writes records given in any order sorted (an external merge sort in bounded memory); see
     * {@link RecordFile#sort}. {@link #finish()} completes the file and gives it its name; {@link #close()} without
     * {@code finish()} removes what was written (a listing that failed half-way leaves nothing that looks complete),
     * so the usual shape is {@code try (w) { ...add...; w.finish(); }}.
     *
     * @param <T> the record type
     */
    public static final class SortingWriter<T> implements Closeable {
        private final Path target;
        private final Path scratch;
        private final Codec<T> codec;
        private final Comparator<? super T> order;
        private final long budget;
        private final boolean distinct;
        private final List<T> buffer = new ArrayList<>();
        /** Sorted runs; once {@link #splitter} is chosen, of the records below it. */
        private final List<Path> runs = new ArrayList<>();
        /** Sorted runs of the records at or above {@link #splitter}. */
        private final List<Path> upper = new ArrayList<>();
        /**
         * The median of the first spilled buffer: every run is split at it, so that the final merge runs as two
         * merges, one per half, on two threads; they write two frames that make one file.
         */
        private T splitter;
        private int runCount;
        private Writer<T> direct;
        private T last;
        private long buffered;
        private long count;
        private boolean closed;

        private SortingWriter(Path target, Codec<T> codec, Comparator<? super T> order, long budget, boolean distinct)
                throws IOException {
            this.target = target;
            this.scratch = target.resolveSibling(target.getFileName() + ".runs");
            this.codec = codec;
            this.order = order;
            this.budget = Math.max(4096, budget);
            this.distinct = distinct;
            this.direct = new Writer<>(target, codec, true);
        }

        /**
         * Adds a record.
         *
         * @param record the record
         * @throws IOException when writing fails
         */
        public void add(T record) throws IOException {
            if (direct != null) {
                int c = last == null ? -1 : order.compare(last, record);
                if (c < 0 || c == 0 && !distinct) {
                    direct.add(record);
                    last = record;
                    return;
                }
                if (c == 0) {
                    return;
                }
                // The first record out of order: what was written so far becomes the first run.
                Writer<T> inOrder = direct;
                direct = null;
                inOrder.finish();
                Files.createDirectories(scratch);
                Path first = runFile();
                Files.move(target, first, StandardCopyOption.REPLACE_EXISTING);
                runs.add(first);
                runCount++;
            }
            buffer.add(record);
            buffered += codec.memorySize(record);
            if (buffered >= budget) {
                spill();
            }
        }

        /**
         * Whether every record so far arrived in order (no run was needed).
         *
         * @return {@code true} when nothing had to be sorted
         */
        public boolean arrivedInOrder() {
            return direct != null;
        }

        /**
         * How many runs were spilled so far (0 while records arrive in order).
         *
         * @return the runs
         */
        public int runs() {
            return runCount;
        }

        /**
         * How many records the file holds (after dropping equal ones when distinct); known once finished.
         *
         * @return the count
         */
        public long count() {
            return count;
        }

        /**
         * The sorted file.
         *
         * @return the path
         */
        public Path file() {
            return target;
        }


        private Path runFile() {
            return scratch.resolve("run-" + (runs.size() + upper.size()));
        }

        private void spill() throws IOException {
            buffer.sort(order);
            Files.createDirectories(scratch);
            if (splitter == null) {
                splitter = buffer.get(buffer.size() / 2);
                splitEarlierRuns();
            }
            int cut = firstAtOrAbove(splitter);
            writeRun(buffer.subList(0, cut), runs);
            writeRun(buffer.subList(cut, buffer.size()), upper);
            runCount++;
            buffer.clear();
            buffered = 0;
        }

        /** The index of the first buffered (sorted) record not below {@code s}. */
        private int firstAtOrAbove(T s) {
            int lo = 0;
            int hi = buffer.size();
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (order.compare(buffer.get(mid), s) < 0) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        private void writeRun(List<T> records, List<Path> into) throws IOException {
            if (records.isEmpty()) {
                return;
            }
            Path run = runFile();
            try (Writer<T> w = new Writer<>(run, codec, false)) {
                T previous = null;
                for (T r : records) {
                    if (!distinct || previous == null || order.compare(previous, r) != 0) {
                        w.add(r);
                    }
                    previous = r;
                }
                w.finish();
            }
            into.add(run);
        }

        /** The run of records that came in order before the first spill (at most one) is split at the splitter too. */
        private void splitEarlierRuns() throws IOException {
            List<Path> earlier = new ArrayList<>(runs);
            runs.clear();
            for (Path run : earlier) {
                Path below = scratch.resolve(run.getFileName() + "-below");
                Path above = scratch.resolve(run.getFileName() + "-above");
                try (Reader<T> r = new Reader<>(run, codec); Writer<T> low = new Writer<>(below, codec, false);
                     Writer<T> high = new Writer<>(above, codec, false)) {
                    for (T x = r.next(); x != null; x = r.next()) {
                        (order.compare(x, splitter) < 0 ? low : high).add(x);
                    }
                    low.finish();
                    high.finish();
                }
                Files.delete(run);
                runs.add(below);
                upper.add(above);
            }
        }

        /**
         * Finishes the file: merges the runs when records came out of order, removes them and gives the file its name
         * (replacing a file of that name).
         *
         * @return how many records the file holds
         * @throws IOException when writing fails (the runs are removed and nothing is left under the file's name)
         */
        public long finish() throws IOException {
            if (closed) {
                throw new IllegalStateException(target + " is already closed");
            }
            closed = true;
            if (direct != null) {
                count = direct.finish();
                return count;
            }
            try {
                if (!buffer.isEmpty()) {
                    spill();
                }
                count = mergeHalves(passes(runs, "below"), passes(upper, "above"));
                return count;
            } finally {
                buffer.clear();
                Directories.deleteTreeQuietly(scratch);
            }
        }

        /**
         * Removes what was written unless {@link #finish()} completed the file (a file of the same name written
         * earlier is left alone); closing twice does nothing.
         */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (direct != null) {
                try {
                    direct.close();
                } catch (IOException e) {
                    // a part file that cannot be removed is harmless: it never carries the listing's name
                }
            }
            buffer.clear();
            Directories.deleteTreeQuietly(scratch);
        }

        /** Merges runs by {@link #FAN_IN} until at most that many are left. */
        private List<Path> passes(List<Path> runsOfHalf, String half) throws IOException {
            List<Path> level = new ArrayList<>(runsOfHalf);
            int pass = 0;
            while (level.size() > FAN_IN) {
                List<Path> next = new ArrayList<>();
                for (int i = 0; i < level.size(); i += FAN_IN) {
                    Path merged = scratch.resolve(half + "-pass-" + pass + "-" + next.size());
                    merge(level.subList(i, Math.min(level.size(), i + FAN_IN)), merged, false, true, true);
                    next.add(merged);
                }
                level = next;
                pass++;
            }
            return level;
        }

        /**
         * The final merge, one half on a thread of its own: the lower half becomes a frame with the header, the
         * upper half a second frame, and a third frame holds the trailer with the total count. Zstandard and gzip
         * readers read concatenated frames (members) as one stream, so the file is read as if written in one piece.
         */
        private long mergeHalves(List<Path> below, List<Path> above) throws IOException {
            Path first = scratch.resolve("below");
            Path second = scratch.resolve("above");
            java.util.concurrent.FutureTask<Long> upperHalf = new java.util.concurrent.FutureTask<>(
                    () -> merge(above, second, true, false, false));
            Thread thread = new Thread(upperHalf, "record-file-merge");
            thread.setDaemon(true);
            thread.start();
            long lower;
            try {
                lower = merge(below, first, true, true, false);
            } finally {
                joinQuietly(thread);
            }
            long total = lower + result(upperHalf);
            try (OutputStream out = Files.newOutputStream(first, java.nio.file.StandardOpenOption.APPEND)) {
                Files.copy(second, out);
                // closing the trailer's stream ends its frame; closing the file twice is harmless
                try (OutputStream trailer = compressing(out)) {
                    DataOutputStream d = new DataOutputStream(trailer);
                    d.writeByte(0);
                    writeVarLong(d, total);
                    d.flush();
                }
            }
            Files.move(first, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return total;
        }

        /** Waits for the other half's thread; interrupted, it stops that thread and still waits for it to end. */
        private static void joinQuietly(Thread thread) throws java.io.InterruptedIOException {
            try {
                thread.join();
            } catch (InterruptedException e) {
                thread.interrupt();
                boolean ended = false;
                while (!ended) {
                    try {
                        thread.join();
                        ended = true;
                    } catch (InterruptedException again) {
                        // keep waiting: the scratch folder is removed next, and the thread must not write into it
                    }
                }
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while merging");
            }
        }

        private static long result(java.util.concurrent.FutureTask<Long> task) throws IOException {
            try {
                return task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while merging");
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IOException("merging failed: " + e.getCause(), e.getCause());
            }
        }

        private long merge(List<Path> inputs, Path output, boolean compressed, boolean header, boolean trailer)
                throws IOException {
            List<Reader<T>> readers = new ArrayList<>();
            Writer<T> w = new Writer<>(output, codec, compressed, header);
            try {
                for (Path p : inputs) {
                    readers.add(new Reader<>(p, codec));
                }
                Tournament<T> t = new Tournament<>(readers, order);
                T previous = null;
                for (T r = t.next(); r != null; r = t.next()) {
                    if (!distinct || previous == null || order.compare(previous, r) != 0) {
                        w.add(r);
                    }
                    previous = r;
                }
                return w.finish(trailer);
            } finally {
                w.close();
                for (Reader<T> r : readers) {
                    r.close();
                }
                for (Path p : inputs) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * A k-way merge by a tree of losers: each record taken costs about log2(k) comparisons (a binary heap's poll and
     * add take about twice that), which is most of a sorted file's final merge. Equal records come from the earlier
     * input first, so the merge is stable.
     */
    private static final class Tournament<T> {
        private final List<Reader<T>> inputs;
        private final Comparator<? super T> order;
        private final List<T> heads;
        /** {@code tree[0]}: the input whose head is smallest; {@code tree[1..k-1]}: the loser of each match. */
        private final int[] tree;
        private final int k;

        Tournament(List<Reader<T>> inputs, Comparator<? super T> order) {
            this.inputs = inputs;
            this.order = order;
            this.k = inputs.size();
            this.heads = new ArrayList<>(k);
            for (Reader<T> r : inputs) {
                heads.add(r.peek());
            }
            this.tree = new int[Math.max(1, k)];
            if (k == 0) {
                return;
            }
            int[] winners = new int[2 * k];
            for (int i = 0; i < k; i++) {
                winners[k + i] = i;
            }
            for (int n = k - 1; n >= 1; n--) {
                int a = winners[2 * n];
                int b = winners[2 * n + 1];
                boolean aWins = beats(a, b);
                winners[n] = aWins ? a : b;
                tree[n] = aWins ? b : a;
            }
            tree[0] = winners[1];
        }

        /** Whether input {@code a}'s head comes before input {@code b}'s (an exhausted input comes last). */
        private boolean beats(int a, int b) {
            T x = heads.get(a);
            T y = heads.get(b);
            if (x == null || y == null) {
                return y == null && (x != null || a < b);
            }
            int c = order.compare(x, y);
            return c < 0 || c == 0 && a < b;
        }

        /** The smallest record left, or {@code null} when every input is exhausted. */
        T next() throws IOException {
            if (k == 0) {
                return null;
            }
            int winner = tree[0];
            Reader<T> input = inputs.get(winner);
            T r = input.next();
            if (r == null) {
                return null;
            }
            heads.set(winner, input.peek());
            for (int n = (winner + k) >>> 1; n > 0; n >>>= 1) {
                if (beats(tree[n], winner)) {
                    int loser = winner;
                    winner = tree[n];
                    tree[n] = loser;
                }
            }
            tree[0] = winner;
            return r;
        }
    }

    /**
     * Compresses on a thread of its own: the writing thread only fills buffers, which travel through a bounded queue
     * (memory bounded by {@value #QUEUED_CHUNKS} buffers) to the thread that feeds them to the compressing stream. A
     * sorted file's final merge thus reads, merges and encodes on one core while compression runs on another. A
     * failure of the compressing thread is thrown by the next write or by {@link #close()}.
     */
    private static final class BackgroundCompression extends OutputStream {
        private static final int QUEUED_CHUNKS = 4;
        private static final Chunk END = new Chunk(new byte[0], 0);

        private record Chunk(byte[] bytes, int length) {
        }

        private final OutputStream target;
        private final java.util.concurrent.BlockingQueue<Chunk> queue =
                new java.util.concurrent.ArrayBlockingQueue<>(QUEUED_CHUNKS);
        private final Thread thread;
        private volatile Throwable failure;
        private byte[] buffer = new byte[BUFFER];
        private int filled;
        private boolean closed;

        BackgroundCompression(OutputStream target) {
            this.target = target;
            this.thread = new Thread(this::drain, "record-file-compress");
            thread.setDaemon(true);
            thread.start();
        }

        private void drain() {
            try {
                for (Chunk c = queue.take(); c != END; c = queue.take()) {
                    target.write(c.bytes(), 0, c.length());
                }
            } catch (Throwable t) {
                failure = t;
                queue.clear(); // unblocks a writer waiting for room; it sees the failure next
            }
        }

        @Override
        public void write(int b) throws IOException {
            if (filled == buffer.length) {
                hand();
            }
            buffer[filled++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (filled == buffer.length) {
                    hand();
                }
                int n = Math.min(len, buffer.length - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        private void hand() throws IOException {
            if (filled > 0) {
                put(new Chunk(buffer, filled));
                buffer = new byte[BUFFER];
                filled = 0;
            }
        }

        private void put(Chunk c) throws IOException {
            try {
                while (!queue.offer(c, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    rethrow();
                }
                rethrow();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while compressing");
            }
        }

        private void rethrow() throws IOException {
            Throwable t = failure;
            if (t instanceof IOException io) {
                throw io;
            }
            if (t != null) {
                throw new IOException("compressing failed: " + t, t);
            }
        }

        /** Hands the rest over, waits for the compressing thread and closes the compressing stream (its frame end). */
        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                hand();
                put(END);
                thread.join();
                rethrow();
            } catch (InterruptedException e) {
                thread.interrupt();
                closeQuietly(target);
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while compressing");
            } catch (IOException | RuntimeException e) {
                thread.interrupt();
                closeQuietly(target);
                throw e;
            }
            target.close();
        }
    }

    /**
     * The compressed stream a listing is written through: Zstandard at level 1 with its content checksum, where the
     * native library loads (about four times as fast as deflate at its fastest level, and a little smaller, on listings
     * of identifiers and hashes), else gzip at its fastest level. Readers take either, by the stream's magic number.
     */
    private static OutputStream compressing(OutputStream raw) throws IOException {
        if (ZstdSupport.AVAILABLE && !gzipOnly) {
            return ZstdSupport.output(raw);
        }
        return new FastGzip(raw);
    }

    /** Writes gzip even where Zstandard loads: for the tests of the fallback (package-private, never set otherwise). */
    static volatile boolean gzipOnly;

    private static InputStream zstdInput(InputStream in) throws IOException {
        if (!ZstdSupport.AVAILABLE) {
            throw new IOException("a Zstandard-compressed listing cannot be read here: the zstd-jni native library "
                    + "did not load on this platform (" + ZstdSupport.FAILURE + ")");
        }
        return ZstdSupport.input(in);
    }

    /** Whether zstd-jni's native library loaded; touched only through {@link #AVAILABLE}'s check. */
    private static final class ZstdSupport {
        static final String FAILURE;
        static final boolean AVAILABLE;

        static {
            String failure = null;
            try {
                com.github.luben.zstd.util.Native.load();
            } catch (LinkageError | RuntimeException e) {
                failure = e.toString();
                org.slf4j.LoggerFactory.getLogger(RecordFile.class).warn("Listings are written with gzip: the "
                        + "Zstandard native library did not load ({})", failure);
            }
            FAILURE = failure;
            AVAILABLE = failure == null;
        }

        static OutputStream output(OutputStream raw) throws IOException {
            com.github.luben.zstd.ZstdOutputStream z = new com.github.luben.zstd.ZstdOutputStream(raw, 1);
            z.setChecksum(true);
            return z;
        }

        static InputStream input(InputStream in) throws IOException {
            return new com.github.luben.zstd.ZstdInputStream(in);
        }
    }

    /** A refusal the reader found itself, its message naming the file already. */
    private static final class NamedFailure extends IOException {
        private static final long serialVersionUID = 1L;

        NamedFailure(String message) {
            super(message);
        }

        NamedFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The magic number of a Zstandard frame. */
    private static final byte[] ZSTD_MAGIC = {(byte) 0x28, (byte) 0xb5, (byte) 0x2f, (byte) 0xfd};

    /** Gzip at the fastest level: listings hold hashes and identifiers that compress little anyway. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, BUFFER);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }
}
