package dev.kaapanamigrate.minio;

import dev.kaapanamigrate.core.RecordFile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.minio.internal.ListingFile;
import dev.kaapanamigrate.minio.internal.ListingMerge;
import dev.kaapanamigrate.minio.internal.Utf8Order;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListingTest {

    @TempDir
    Path dir;

    @Test
    void utf8OrderIsByteOrder() {
        List<String> keys = new ArrayList<>(List.of("a", "a/b", "a-c", "\uFFFD", "\uD83D\uDE00", "Z", "é", "a\nb"));
        keys.sort(Utf8Order.INSTANCE);
        List<String> byBytes = new ArrayList<>(keys);
        byBytes.sort((x, y) -> java.util.Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8),
                y.getBytes(StandardCharsets.UTF_8)));
        assertThat(keys).isEqualTo(byBytes);
    }

    @Test
    void entriesOutOfOrderAreSortedThroughSpilledRuns() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            keys.add("prefix/" + i + "/\uD83D\uDE00-é-" + (i * 7919 % 10007));
        }
        Collections.shuffle(keys, new Random(1));
        Path file = dir.resolve("sorted.lst.gz");
        RecordFile.SortingWriter<ListingFile.Entry> w = ListingFile.sorted(file, 1 << 16); // tiny budget: many runs, two merge levels
        for (String k : keys) {
            w.add(new ListingFile.Entry(k, k.length(), "etag-" + k.hashCode()));
        }
        assertThat(w.arrivedInOrder()).isFalse();
        w.finish();
        List<String> read = new ArrayList<>();
        try (RecordFile.Reader<ListingFile.Entry> r = ListingFile.read(file)) {
            for (ListingFile.Entry e = r.next(); e != null; e = r.next()) {
                read.add(e.key());
                assertThat(e.size()).isEqualTo(e.key().length());
            }
        }
        keys.sort(Utf8Order.INSTANCE);
        assertThat(read).isEqualTo(keys);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("sorted.lst.gz");
        }
    }

    @Test
    void mergeNamesMissingChangedAndAddedAndCountsAll() throws Exception {
        Path a = dir.resolve("a.gz");
        Path b = dir.resolve("b.gz");
        try (RecordFile.Writer<ListingFile.Entry> w = RecordFile.write(a, ListingFile.CODEC)) {
            for (int i = 0; i < 100; i++) {
                w.add(new ListingFile.Entry(String.format("k%03d", i), i, "e" + i));
            }
            w.finish();
        }
        try (RecordFile.Writer<ListingFile.Entry> w = RecordFile.write(b, ListingFile.CODEC)) {
            for (int i = 0; i < 100; i++) {
                if (i % 10 == 0) {
                    continue; // 10 missing
                }
                w.add(new ListingFile.Entry(String.format("k%03d", i), i == 55 ? 56 : i, "e" + i)); // 1 changed
                if (i == 99) {
                    w.add(new ListingFile.Entry("k100", 1, null)); // 1 added
                }
            }
            w.finish();
        }
        try (RecordFile.Reader<ListingFile.Entry> x = ListingFile.read(a);
             RecordFile.Reader<ListingFile.Entry> y = ListingFile.read(b)) {
            ListingMerge.Differences d = ListingMerge.compare(x::next, y::next, true, 3);
            assertThat(d.missing()).isEqualTo(10);
            assertThat(d.missingNames()).containsExactly("k000", "k010", "k020");
            assertThat(d.changed()).isEqualTo(1);
            assertThat(d.changedNames()).containsExactly("k055 (55 bytes, e55 -> 56 bytes, e55)");
            assertThat(d.added()).isEqualTo(1);
            assertThat(d.addedNames()).containsExactly("k100");
            assertThat(d.nothingLost()).isFalse();
        }
    }

    @Test
    void aListingIsReadBackThroughTheApiAndADamagedOneIsACodedError() throws Exception {
        Path file = dir.resolve("b.lst.gz");
        try (RecordFile.Writer<ListingFile.Entry> w = RecordFile.write(file, ListingFile.CODEC)) {
            w.add(new ListingFile.Entry("a key\nwith a newline", 3, null));
            w.add(new ListingFile.Entry("thumbnails/1.2.3.png", -1, "etag"));
            w.finish();
        }
        List<ObjectListing.Entry> read = new ArrayList<>();
        try (ObjectListing listing = ObjectListing.open(file)) {
            listing.forEach(read::add);
        }
        assertThat(read).containsExactly(new ObjectListing.Entry("a key\nwith a newline", 3, null),
                new ObjectListing.Entry("thumbnails/1.2.3.png", -1, "etag"));
        Path damaged = dir.resolve("damaged.lst.gz");
        Files.write(damaged, new byte[] {1, 2, 3});
        dev.kaapanamigrate.core.MigrationException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                dev.kaapanamigrate.core.MigrationException.class, () -> ObjectListing.open(damaged));
        assertThat(e.code()).isEqualTo(MinioErrorCode.LISTING_FILE_INVALID);
        assertThat(e.getMessage()).contains(damaged.toString());
        assertThat(dev.kaapanamigrate.core.ErrorCode.of("MINIO_LISTING_FILE_INVALID"))
                .isEqualTo(MinioErrorCode.LISTING_FILE_INVALID);
    }
}
