package dev.kaapanamigrate.opensearch;

import dev.kaapanamigrate.core.RecordFile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.ErrorCode;
import dev.kaapanamigrate.opensearch.internal.CanonicalJson;
import dev.kaapanamigrate.opensearch.internal.JsonCursor;
import dev.kaapanamigrate.opensearch.internal.Listing;
import dev.kaapanamigrate.core.SetDigest;
import dev.kaapanamigrate.testkit.internal.SourceHash;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The canonical source hash, the external sort of listings, and the error code catalogue. */
class CanonicalHashTest {

    static String hash(String json) throws Exception {
        return SetDigest.hex(new CanonicalJson().hash(new JsonCursor(json.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void keyOrderAndNumberSpellingDoNotMatterButValuesDo() throws Exception {
        String a = hash("{\"b\":[1,{\"y\":2,\"x\":\"é\"}],\"a\":1.50,\"c\":null,\"d\":true}");
        assertThat(hash("{\"a\":1.5,\"d\":true,\"c\":null,\"b\":[1.0,{\"x\":\"é\",\"y\":2e0}]}")).isEqualTo(a);
        assertThat(hash("{\"a\":1.5,\"d\":true,\"c\":null,\"b\":[{\"x\":\"é\",\"y\":2},1]}")).as("array order")
                .isNotEqualTo(a);
        assertThat(hash("{\"a\":\"1.5\",\"d\":true,\"c\":null,\"b\":[1,{\"x\":\"é\",\"y\":2}]}")).as("string vs number")
                .isNotEqualTo(a);
        assertThat(hash("{}")).isNotEqualTo(hash("[]")).isNotEqualTo(hash("null"));
        assertThat(hash("-0.0")).isEqualTo(hash("0"));
    }

    @Test
    void theTestkitsIndependentHashOfAGeneratedDocumentAgrees() throws Exception {
        for (int i = 0; i < 50; i++) {
            var doc = SyntheticDocuments.document(i);
            String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(doc);
            assertThat(hash(json)).as(json).isEqualTo(SourceHash.hex(doc));
        }
    }

    @Test
    void theExternalSortWritesEveryEntryInIdOrderWithBoundedMemory(@TempDir Path dir) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            ids.add("1.2.3." + i);
        }
        Collections.shuffle(ids, new Random(3));
        Path target = dir.resolve("listing.gz");
        RecordFile.SortingWriter<Listing.Entry> w = Listing.sorted(target, 64 * 1024);
        try (w) {
            for (String id : ids) {
                w.add(new Listing.Entry(id, new byte[16]));
            }
            w.finish();
        }
        assertThat(w.runs()).isGreaterThan(5);
        assertThat(dir.resolve("listing.gz.runs")).doesNotExist();
        List<String> read = new ArrayList<>();
        try (RecordFile.Reader<Listing.Entry> r = Listing.read(target)) {
            for (Listing.Entry e = r.next(); e != null; e = r.next()) {
                read.add(e.id());
            }
        }
        Collections.sort(ids);
        assertThat(read).isEqualTo(ids);

        // already in order: streamed through, no run
        Path second = dir.resolve("second.gz");
        RecordFile.SortingWriter<Listing.Entry> inOrder = Listing.sorted(second, 64 * 1024);
        try (inOrder) {
            for (String id : ids) {
                inOrder.add(new Listing.Entry(id, new byte[16]));
            }
            inOrder.finish();
        }
        assertThat(inOrder.runs()).isZero();
        assertThat(Files.size(second)).isPositive();
    }

    @Test
    void everyCodeIsPrefixedAndKnownToTheCatalogue() {
        for (OpenSearchErrorCode c : OpenSearchErrorCode.values()) {
            assertThat(c.code()).startsWith("OPENSEARCH_");
            assertThat(ErrorCode.of(c.code())).isSameAs(c);
            assertThat(c.summary()).isNotBlank();
            assertThat(c.remedy()).isNotBlank();
        }
    }
}
