package dev.kaapanamigrate.minio.internal;

import dev.kaapanamigrate.core.RecordFile;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * The listing files of the object store steps: {@link RecordFile}s of {@link Entry entries} (an object's key, size and
 * ETag; a key alone; a file's path, size and modification tag) in {@link Utf8Order} of their keys. Keys may hold any
 * character, newlines included.
 */
public final class ListingFile {

    /** Entries in {@link Utf8Order} of their keys, the order of S3 listings. */
    public static final Comparator<Entry> ORDER = Comparator.comparing(Entry::key, Utf8Order.INSTANCE);

    /** A record: the key, the size plus one (0 when unknown) and the tag's length plus one (0 when absent) and bytes. */
    public static final RecordFile.Codec<Entry> CODEC = new RecordFile.Codec<>() {
        @Override
        public String name() {
            return "minio.listing/1";
        }

        @Override
        public void write(DataOutput out, Entry e) throws IOException {
            RecordFile.writeString(out, e.key());
            RecordFile.writeVarLong(out, e.size() + 1);
            out.writeBoolean(e.tag() != null);
            if (e.tag() != null) {
                RecordFile.writeString(out, e.tag());
            }
        }

        @Override
        public Entry read(DataInput in) throws IOException {
            String key = RecordFile.readString(in);
            long size = RecordFile.readVarLong(in) - 1;
            String tag = in.readBoolean() ? RecordFile.readString(in) : null;
            return new Entry(key, size, tag);
        }

        @Override
        public long memorySize(Entry e) {
            return 64 + 2L * e.key().length() + (e.tag() == null ? 0 : 2L * e.tag().length());
        }
    };

    private ListingFile() {
    }

    /**
     * One entry: an object (key, size, ETag), a key alone, or a file (path, size, modification tag).
     *
     * @param key  the key
     * @param size the size, or -1 when unknown
     * @param tag  the tag (ETag, modification time), or {@code null}
     */
    public record Entry(String key, long size, String tag) {
    }

    /**
     * Opens a listing file.
     *
     * @param file the file
     * @return its entries in order
     * @throws IOException when it cannot be opened or is not a listing file
     */
    public static RecordFile.Reader<Entry> read(Path file) throws IOException {
        return RecordFile.read(file, CODEC);
    }

    /**
     * Starts a listing file whose entries may come in any order (written sorted, in bounded memory).
     *
     * @param file        the file (replaced)
     * @param budgetBytes roughly how many bytes of entries to hold in memory before spilling a sorted run
     * @return the writer
     * @throws IOException when it cannot be created
     */
    public static RecordFile.SortingWriter<Entry> sorted(Path file, long budgetBytes) throws IOException {
        return RecordFile.sort(file, CODEC, ORDER, budgetBytes, false);
    }
}
