package dev.kaapanamigrate.kaapana.internal;

import dev.kaapanamigrate.core.RecordFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sorted identifier files and the merge joins the consistency check is built of. */
class MergeJoinTest {

    @TempDir
    Path dir;

    private Path file(String name, List<String> ids) throws IOException {
        Path f = dir.resolve(name);
        try (RecordFile.SortingWriter<String> w = IdFile.writer(f)) {
            for (String id : ids) {
                w.add(id);
            }
            w.finish();
        }
        return f;
    }

    private static List<String> read(Path f) throws IOException {
        List<String> out = new ArrayList<>();
        try (IdFile.Reader r = IdFile.open(f)) {
            for (String id = r.next(); id != null; id = r.next()) {
                out.add(id);
            }
        }
        return out;
    }

    @Test
    void aJoinNamesWhatOnlyEachSideHasCountsAllAndNamesTheFirstN() throws IOException {
        Path left = file("left.ids.gz", List.of("1.1", "1.2", "1.3", "1.5", "1.7", "1.8", "1.9"));
        Path right = file("right.ids.gz", List.of("1.0", "1.2", "1.3", "1.4", "1.9"));
        Sample onlyLeft = new Sample(2);
        Sample onlyRight = new Sample(10);
        long both;
        try (IdCursor a = IdFile.open(left); IdCursor b = IdFile.open(right)) {
            both = MergeJoin.join(a, b, onlyLeft, onlyRight, id -> id + " (left)");
        }
        assertThat(both).isEqualTo(3);
        assertThat(onlyLeft.count()).isEqualTo(4);
        assertThat(onlyLeft.first()).containsExactly("1.1 (left)", "1.5 (left)");
        assertThat(onlyRight.count()).isEqualTo(2);
        assertThat(onlyRight.first()).containsExactly("1.0 (left)", "1.4 (left)");
    }

    @Test
    void anEmptySideMakesEveryIdentifierOfTheOtherAnOrphan() throws IOException {
        Path left = file("left.ids.gz", List.of("a", "b"));
        Path empty = file("empty.ids.gz", List.of());
        Sample onlyLeft = new Sample(5);
        try (IdCursor a = IdFile.open(left); IdCursor b = IdFile.open(empty)) {
            assertThat(MergeJoin.join(a, b, onlyLeft, null)).isZero();
        }
        assertThat(onlyLeft.first()).containsExactly("a", "b");
        assertThat(IdFile.count(empty)).isZero();
    }

    @Test
    void anIdentifierFileDropsRepeatsSortsDisorderAndRefusesAFileOfAnotherKind() throws IOException {
        Path f = file("ids.ids.gz", List.of("a", "a", "c", "b", "c"));
        assertThat(read(f)).containsExactly("a", "b", "c");
        Path folders = dir.resolve("folders.gz");
        try (RecordFile.Writer<FolderListing.Entry> w = FolderListing.writer(folders)) {
            w.add(new FolderListing.Entry("FAST/x", 'f', 1, 0, ""));
            w.finish();
        }
        assertThatThrownBy(() -> IdFile.open(folders)).isInstanceOf(IOException.class)
                .hasMessageContaining("'kaapana.folder-listing/1', expected 'strings/1'");
        Files.writeString(dir.resolve("text.ids"), "not an identifier file");
        assertThatThrownBy(() -> IdFile.open(dir.resolve("text.ids"))).isInstanceOf(IOException.class)
                .hasMessageContaining("is not a listing file");
    }

    @Test
    void aCursorOutOfOrderFailsTheJoinInsteadOfReportingFalseOrphans() {
        IdCursor unsorted = new IdCursor() {
            private final List<String> ids = new ArrayList<>(List.of("b", "a"));

            @Override
            public String peek() {
                return ids.isEmpty() ? null : ids.get(0);
            }

            @Override
            public String next() {
                return ids.isEmpty() ? null : ids.remove(0);
            }

            @Override
            public String name() {
                return "unsorted";
            }

            @Override
            public void close() {
            }
        };
        assertThatThrownBy(() -> MergeJoin.join(unsorted, IdCursor.empty("none"), new Sample(5), new Sample(5)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("unsorted is not in ascending order");
    }

    @Test
    void inputInOrderStreamsStraightThroughWithoutRuns() throws IOException {
        try (RecordFile.SortingWriter<String> w = IdFile.sorted(dir.resolve("sorted.ids.gz"), 4096)) {
            for (int i = 0; i < 10_000; i++) {
                w.add(String.format("1.2.%06d", i));
            }
            assertThat(w.finish()).isEqualTo(10_000);
            assertThat(w.runs()).isZero();
        }
        assertThat(IdFile.count(dir.resolve("sorted.ids.gz"))).isEqualTo(10_000);
    }

    @Test
    void inputInAnyOrderIsSortedAndDeduplicatedThroughSpilledRunsMergedInPasses() throws IOException {
        Random random = new Random(15);
        TreeSet<String> expected = new TreeSet<>();
        List<String> input = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            String uid = "1.2.826.0." + random.nextInt(20_000);
            input.add(uid);
            expected.add(uid);
        }
        Collections.shuffle(input, random);
        Path target = dir.resolve("sorted.ids.gz");
        try (RecordFile.SortingWriter<String> w = IdFile.sorted(target, 4096)) {
            for (String id : input) {
                w.add(id);
            }
            assertThat(w.finish()).isEqualTo(expected.size());
            assertThat(w.runs()).as("more runs than one merge pass reads").isGreaterThan(64);
        }
        assertThat(read(target)).containsExactlyElementsOf(expected);
        assertThat(dir.resolve("sorted.ids.gz.runs")).as("runs removed").doesNotExist();
    }
}
