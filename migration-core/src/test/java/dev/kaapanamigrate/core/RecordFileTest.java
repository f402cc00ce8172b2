package dev.kaapanamigrate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordFileTest {

    @TempDir
    Path dir;

    record Item(String key, long size) {
    }

    static final RecordFile.Codec<Item> ITEMS = new RecordFile.Codec<>() {
        @Override
        public String name() {
            return "test.items/1";
        }

        @Override
        public void write(DataOutput out, Item record) throws IOException {
            RecordFile.writeString(out, record.key());
            RecordFile.writeVarLong(out, record.size());
        }

        @Override
        public Item read(DataInput in) throws IOException {
            return new Item(RecordFile.readString(in), RecordFile.readVarLong(in));
        }
    };

    @Test
    void recordsInOrderStreamStraightThroughAndReadBack() throws IOException {
        Path file = dir.resolve("in-order.gz");
        try (RecordFile.SortingWriter<String> w = RecordFile.sort(file, RecordFile.STRINGS, Comparator.naturalOrder(),
                1 << 20, true)) {
            for (int i = 0; i < 1000; i++) {
                w.add(String.format("id-%05d", i));
            }
            assertTrue(w.arrivedInOrder());
            assertEquals(1000, w.finish());
            assertEquals(1000, w.count());
            assertEquals(0, w.runs());
        }
        List<String> back = readAll(file, RecordFile.STRINGS);
        assertEquals(1000, back.size());
        assertEquals("id-00000", back.get(0));
        assertEquals("id-00999", back.get(999));
        assertEquals(1000, RecordFile.count(file, RecordFile.STRINGS));
    }

    @Test
    void recordsInAnyOrderAreSortedThroughManyRunsAndDuplicatesDropped() throws IOException {
        Path file = dir.resolve("sorted.gz");
        Random random = new Random(42);
        TreeSet<String> expected = new TreeSet<>();
        RecordFile.SortingWriter<String> w = RecordFile.sort(file, RecordFile.STRINGS, Comparator.naturalOrder(), 4096,
                true);
        for (int i = 0; i < 20_000; i++) {
            String id = "series-" + random.nextInt(15_000) + "-\u00e9\n";
            expected.add(id);
            w.add(id);
        }
        assertFalse(w.arrivedInOrder());
        assertTrue(w.runs() > RecordFile.FAN_IN, "enough runs for a second merge pass: " + w.runs());
        w.finish();
        assertEquals(expected.size(), w.count());
        assertEquals(new ArrayList<>(expected), readAll(file, RecordFile.STRINGS));
        assertFalse(Files.exists(dir.resolve("sorted.gz.runs")), "runs are removed");
        try (var s = Files.list(dir)) {
            assertEquals(List.of(file), s.toList());
        }
    }

    @Test
    void compressionOnItsOwnThreadKeepsEveryByteInOrderAndEndsItsThread() throws IOException {
        Path file = dir.resolve("random.gz");
        Random random = new Random(3);
        List<String> written = new ArrayList<>();
        try (RecordFile.Writer<String> w = RecordFile.write(file, RecordFile.STRINGS)) {
            for (int i = 0; i < 60_000; i++) { // about 4 MB of little-compressible text: many 64 KiB chunks
                byte[] b = new byte[48];
                random.nextBytes(b);
                String s = i + ":" + java.util.HexFormat.of().formatHex(b);
                written.add(s);
                w.add(s);
            }
            assertEquals(60_000, w.finish());
        }
        assertEquals(written, readAll(file, RecordFile.STRINGS));
        // abandoned half-way: nothing is left, and no compressing thread stays behind
        try (RecordFile.Writer<String> w = RecordFile.write(dir.resolve("abandoned.gz"), RecordFile.STRINGS)) {
            for (String s : written) {
                w.add(s);
            }
        }
        assertFalse(Files.exists(dir.resolve("abandoned.gz")));
        assertFalse(Files.exists(dir.resolve("abandoned.gz.part")));
        assertEquals(0, Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("record-file-compress") && t.isAlive()).count());
    }

    @Test
    void aSortedFileMergedInTwoHalvesKeepsArrivalOrderAmongEqualsAndIsOneCompressedStream() throws IOException {
        Path file = dir.resolve("halves.gz");
        List<Item> arriving = new ArrayList<>();
        for (int i = 0; i < 800; i++) { // in order first: the run written before the first spill is split too
            arriving.add(new Item(String.format("k%04d", i / 4), 0));
        }
        Random random = new Random(11);
        for (int i = 0; i < 30_000; i++) {
            arriving.add(new Item(String.format("k%04d", random.nextInt(2000)), 0));
        }
        List<Item> numbered = new ArrayList<>();
        try (RecordFile.SortingWriter<Item> w = RecordFile.sort(file, ITEMS, Comparator.comparing(Item::key), 16_384,
                false)) {
            for (int i = 0; i < arriving.size(); i++) {
                Item item = new Item(arriving.get(i).key(), i); // the size field carries the arrival position
                numbered.add(item);
                w.add(item);
            }
            assertTrue(w.runs() > 10, "runs: " + w.runs());
            assertEquals(numbered.size(), w.finish());
        }
        List<Item> expected = new ArrayList<>(numbered);
        expected.sort(Comparator.comparing(Item::key)); // stable: equal keys stay in arrival order
        assertEquals(expected, readAll(file, ITEMS));
        assertEquals(numbered.size(), RecordFile.count(file, ITEMS));
        try (var in = new com.github.luben.zstd.ZstdInputStream(Files.newInputStream(file))) {
            byte[] all = in.readAllBytes(); // every frame, each checked against its checksum
            assertEquals('K', all[0]);
            assertEquals(0, all[all.length - 4], "the trailer ends the stream: marker 0, then 30800 as a 3-byte varint");
        }
        try (var s = Files.list(dir)) {
            assertEquals(List.of(file), s.toList(), "no run, half or part file is left");
        }
    }

    @Test
    void aListingWrittenWithGzipIsReadAsWell() throws IOException {
        // Where the Zstandard native library does not load the writer falls back to gzip (and earlier versions of this
        // format were gzip): the same bytes under gzip read back the same.
        Path zstd = dir.resolve("written.lst");
        List<String> written = new ArrayList<>();
        try (RecordFile.Writer<String> w = RecordFile.write(zstd, RecordFile.STRINGS)) {
            for (int i = 0; i < 5_000; i++) {
                written.add("uid-" + i);
                w.add("uid-" + i);
            }
            w.finish();
        }
        Path gzip = dir.resolve("gzip.lst");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gzip))) {
            out.write(decompressed(zstd));
        }

        assertEquals(written, readAll(gzip, RecordFile.STRINGS));
        assertEquals(written, readAll(zstd, RecordFile.STRINGS));
    }

    @Test
    void theGzipFallbackWritesSortedFilesInThreeMembersThatReadBack() throws IOException {
        // Where the Zstandard native library does not load: the same two-halves merge, as gzip members.
        Path file = dir.resolve("gzip-halves.lst");
        List<String> written = new ArrayList<>();
        RecordFile.gzipOnly = true;
        try (RecordFile.SortingWriter<String> w = RecordFile.sort(file, RecordFile.STRINGS, Comparator.naturalOrder(),
                16_384, false)) {
            Random random = new Random(5);
            for (int i = 0; i < 20_000; i++) {
                String s = "uid-" + random.nextInt(1_000_000);
                written.add(s);
                w.add(s);
            }
            assertTrue(w.runs() > 2, "runs: " + w.runs());
            w.finish();
        } finally {
            RecordFile.gzipOnly = false;
        }
        written.sort(Comparator.naturalOrder());
        assertEquals(written, readAll(file, RecordFile.STRINGS));
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(file))) {
            assertEquals('K', in.readAllBytes()[0]); // every member, each checked against its CRC
        }
    }

    @Test
    void aDamagedCompressedListingIsRefusedByName() throws IOException {
        Path file = dir.resolve("damaged.lst");
        try (RecordFile.Writer<String> w = RecordFile.write(file, RecordFile.STRINGS)) {
            for (int i = 0; i < 20_000; i++) {
                w.add("uid-" + i);
            }
            w.finish();
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x5a; // inside the frame: the content checksum or the frame itself fails
        Files.write(file, bytes);

        IOException damaged = assertThrows(IOException.class, () -> RecordFile.count(file, RecordFile.STRINGS));
        assertTrue(damaged.getMessage().contains(file.toString()), damaged.getMessage());

        Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(dir.resolve("damaged.lst")), 100));
        IOException cut = assertThrows(IOException.class, () -> RecordFile.count(file, RecordFile.STRINGS));
        assertTrue(cut.getMessage().contains(file.toString()), cut.getMessage());
    }

    @Test
    void everyNumberOfRunsMergesStablyAndCompletely() throws IOException {
        // 64 records per run, from one run (the final merge of each half then has one or two inputs) to 625 runs per
        // half, more than FAN_IN (one extra pass, then two)
        for (int records : new int[] {50, 100, 150, 500, 2_500, 9_000, 40_000}) {
            Path file = dir.resolve("runs-" + records + ".gz");
            Random random = new Random(records);
            List<Item> numbered = new ArrayList<>();
            int spilled;
            try (RecordFile.SortingWriter<Item> w = RecordFile.sort(file, ITEMS, Comparator.comparing(Item::key),
                    4096, false)) {
                for (int i = 0; i < records; i++) {
                    Item item = new Item(String.format("k%05d", random.nextInt(records / 3)), i);
                    numbered.add(item);
                    w.add(item);
                }
                spilled = w.runs();
                assertEquals(records, w.finish());
            }
            List<Item> expected = new ArrayList<>(numbered);
            expected.sort(Comparator.comparing(Item::key)); // stable: equal keys stay in arrival order
            assertEquals(expected, readAll(file, ITEMS), records + " records in " + spilled + " runs");
            assertEquals((records + 63) / 64, spilled, "runs of " + records + " records");
        }
    }

    @Test
    void equalRecordsAreKeptWhenNotDistinct() throws IOException {
        Path file = dir.resolve("items.gz");
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            items.add(new Item("k" + (i % 1000), i));
        }
        Collections.shuffle(items, new Random(7));
        try (RecordFile.SortingWriter<Item> w = RecordFile.sort(file, ITEMS, Comparator.comparing(Item::key), 2048,
                false)) {
            for (Item item : items) {
                w.add(item);
            }
            w.finish();
        }
        List<Item> back = readAll(file, ITEMS);
        assertEquals(3000, back.size());
        for (int i = 1; i < back.size(); i++) {
            assertTrue(back.get(i - 1).key().compareTo(back.get(i).key()) <= 0);
        }
    }

    @Test
    void aFileOfAnotherFormatADamagedOneAndACutOneAreRefusedByName() throws IOException {
        Path items = dir.resolve("items.gz");
        try (RecordFile.Writer<Item> w = RecordFile.write(items, ITEMS)) {
            w.add(new Item("a", 1));
            w.add(new Item("b", 2));
            w.finish();
        }
        IOException other = assertThrows(IOException.class, () -> RecordFile.read(items, RecordFile.STRINGS));
        assertTrue(other.getMessage().contains("'test.items/1'") && other.getMessage().contains("'strings/1'"),
                other.getMessage());

        Path plain = dir.resolve("plain.txt");
        Files.writeString(plain, "not a listing at all");
        IOException notListing = assertThrows(IOException.class, () -> RecordFile.read(plain, ITEMS));
        assertTrue(notListing.getMessage().startsWith(plain.toString()), notListing.getMessage());

        Path unfinished = dir.resolve("unfinished");
        RecordFile.SortingWriter<Item> w = RecordFile.sort(unfinished, ITEMS, Comparator.comparing(Item::key), 4096,
                true);
        w.add(new Item("z", 1));
        w.add(new Item("a", 1));
        w.close();
        assertFalse(Files.exists(unfinished), "a listing closed without finish() leaves nothing under its name");
        assertFalse(Files.exists(dir.resolve("unfinished.runs")));
        try (RecordFile.Writer<Item> plainWriter = RecordFile.write(unfinished, ITEMS)) {
            plainWriter.add(new Item("a", 1));
        }
        try (var left = Files.list(dir)) {
            assertTrue(left.noneMatch(f -> f.getFileName().toString().startsWith("unfinished")), "no part file left");
        }

        Path earlier = dir.resolve("earlier.lst.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(earlier))) {
            out.write(new byte[] {'K', 'M', 'L', 'S', 1, 3, 'k', 'e', 'y', 1, 0});
        }
        IOException old = assertThrows(IOException.class, () -> RecordFile.read(earlier, ITEMS));
        assertTrue(old.getMessage().contains("written by an earlier version of kaapana-migrate"), old.getMessage());

        Path trailing = dir.resolve("trailing");
        byte[] longer = java.util.Arrays.copyOf(decompressed(items), decompressed(items).length + 1);
        Files.write(trailing, longer);
        IOException extra = assertThrows(IOException.class, () -> RecordFile.count(trailing, ITEMS));
        assertTrue(extra.getMessage().contains("bytes after its trailer"), extra.getMessage());

        byte[] whole = decompressed(items);
        Path cut = dir.resolve("cut");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 2));
        IOException cutShort = assertThrows(IOException.class, () -> RecordFile.count(cut, ITEMS));
        assertTrue(cutShort.getMessage().contains("cut short") || cutShort.getMessage().contains("damaged"),
                cutShort.getMessage());

        Path miscounted = dir.resolve("miscounted");
        byte[] copy = whole.clone();
        copy[copy.length - 1] = 3;
        Files.write(miscounted, copy);
        IOException damaged = assertThrows(IOException.class, () -> RecordFile.count(miscounted, ITEMS));
        assertTrue(damaged.getMessage().contains("trailer says 3 records, it holds 2"), damaged.getMessage());
    }

    @Test
    void varLongsAndLongStringsRoundTrip() throws IOException {
        Path file = dir.resolve("big.gz");
        String longKey = "x".repeat(200_000);
        try (RecordFile.Writer<Item> w = RecordFile.write(file, ITEMS)) {
            w.add(new Item(longKey, Long.MAX_VALUE));
            w.add(new Item("", 0));
            w.finish();
        }
        List<Item> back = readAll(file, ITEMS);
        assertEquals(List.of(new Item(longKey, Long.MAX_VALUE), new Item("", 0)), back);
    }

    private static byte[] decompressed(Path file) throws IOException {
        try (var in = new com.github.luben.zstd.ZstdInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    private static <T> List<T> readAll(Path file, RecordFile.Codec<T> codec) throws IOException {
        List<T> all = new ArrayList<>();
        try (RecordFile.Reader<T> r = RecordFile.read(file, codec)) {
            for (T t = r.next(); t != null; t = r.next()) {
                all.add(t);
            }
        }
        return all;
    }
}
