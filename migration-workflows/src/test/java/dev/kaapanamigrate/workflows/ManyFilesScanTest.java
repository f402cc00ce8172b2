package dev.kaapanamigrate.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 10,000 generated DAG files: every planted finding counted, every bad file reported, progress as it goes. */
class ManyFilesScanTest {

    @TempDir
    Path tmp;

    @Test
    void tenThousandFiles() throws Exception {
        ManyFiles.Tree tree = ManyFiles.generate(tmp.resolve("fast/workflows"), 10_000);
        List<long[]> progress = new ArrayList<>();
        WorkflowScanner scanner = WorkflowScanner.forKaapana(tmp.resolve("fast")).maxFindingsKept(100)
                .progress((done, total, file) -> progress.add(new long[] {done, total})).build();

        ScanReport report = scanner.scan();

        assertThat(report.filesScanned()).isEqualTo(tree.pythonFiles());
        assertThat(report.filesIgnored()).isEqualTo(tree.otherFiles());
        assertThat(report.issueCount()).isEqualTo(tree.binaryFiles() + tree.unparsableFiles());
        assertThat(report.issues()).extracting(FileIssue::kind).containsOnly(FileIssue.Kind.BINARY, FileIssue.Kind.UNPARSABLE);
        assertThat(report.countsByRule()).isEqualTo(tree.findingsByRule());
        assertThat(report.findingCount()).isEqualTo(tree.findings());
        assertThat(report.mechanicalCount()).isEqualTo(tree.findings());
        assertThat(report.findings()).hasSize(100);
        assertThat(tree.findings()).isGreaterThan(2000);
        // progress every 250 files and at the end, never backwards, total known from the start
        long files = tree.pythonFiles() + tree.binaryFiles() + tree.unparsableFiles();
        assertThat(progress).hasSize((int) (files / 250) + 1);
        assertThat(progress).allSatisfy(p -> assertThat(p[1]).isEqualTo(files));
        for (int i = 1; i < progress.size(); i++) {
            assertThat(progress.get(i)[0]).isGreaterThanOrEqualTo(progress.get(i - 1)[0]);
        }
        assertThat(progress.get(progress.size() - 1)[0]).isEqualTo(files);
    }
}
