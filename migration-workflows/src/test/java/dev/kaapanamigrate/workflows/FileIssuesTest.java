package dev.kaapanamigrate.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files the scanner cannot scan are reported with the reason, never skipped silently; links are never followed. */
class FileIssuesTest {

    @TempDir
    Path tmp;

    private static Map<String, FileIssue> byFile(ScanReport report) {
        return report.issues().stream().collect(Collectors.toMap(FileIssue::file, i -> i));
    }

    @Test
    void binaryUndecodableTooLargeAndUnparsableFiles() throws Exception {
        Path dags = Files.createDirectories(tmp.resolve("workflows/dags"));
        byte[] blob = new byte[100];
        blob[40] = 0;
        blob[0] = 'x';
        Files.write(dags.resolve("compiled_blob.py"), blob);
        Files.write(dags.resolve("bad_utf8.py"), "x = 'caf\u00e9'\nconf['form_data']\n".getBytes(StandardCharsets.ISO_8859_1));
        Files.writeString(dags.resolve("huge.py"), "x = 1\n".repeat(400));
        Files.writeString(dags.resolve("unclosed.py"), "dag = DAG(\n    dag_id='a',\n");
        Files.writeString(dags.resolve("unknown_coding.py"), "# -*- coding: klingon-1 -*-\nx = 1\n");
        Files.writeString(dags.resolve("fine.py"), "conf['form_data']\n");

        ScanReport report = WorkflowScanner.builder().root(tmp.resolve("workflows")).maxFileSize(2000).build().scan();

        Map<String, FileIssue> issues = byFile(report);
        assertThat(issues.get("dags/compiled_blob.py").kind()).isEqualTo(FileIssue.Kind.BINARY);
        assertThat(issues.get("dags/compiled_blob.py").reason()).contains("NUL byte at offset 1");
        assertThat(issues.get("dags/bad_utf8.py").kind()).isEqualTo(FileIssue.Kind.UNDECODABLE);
        assertThat(issues.get("dags/bad_utf8.py").reason()).contains("not valid UTF-8 at byte offset 8", "coding declaration");
        assertThat(issues.get("dags/huge.py").kind()).isEqualTo(FileIssue.Kind.TOO_LARGE);
        assertThat(issues.get("dags/huge.py").reason()).contains("2400 bytes, more than the maximum of 2000 bytes");
        assertThat(issues.get("dags/unclosed.py").kind()).isEqualTo(FileIssue.Kind.UNPARSABLE);
        assertThat(issues.get("dags/unclosed.py").reason()).contains("'(' opened here is never closed (line 1)");
        assertThat(issues.get("dags/unclosed.py").line()).isEqualTo(1);
        assertThat(issues.get("dags/unknown_coding.py").reason()).contains("'klingon-1'");
        assertThat(report.issueCount()).isEqualTo(5);
        assertThat(report.filesScanned()).isEqualTo(1);
        assertThat(report.findings()).extracting(Finding::file).containsExactly("dags/fine.py");
        assertThat(report.summary()).contains("5 files not scanned", "dags/compiled_blob.py: BINARY");
    }

    @Test
    void aFifoADanglingLinkAndLinksOutOfTheRootAreReportedNotFollowed() throws Exception {
        Path dags = Files.createDirectories(tmp.resolve("workflows/dags"));
        Path outside = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(outside.resolve("secret_dag.py"), "conf['form_data']\n");
        Files.createSymbolicLink(dags.resolve("linked_dir"), outside);
        Files.createSymbolicLink(dags.resolve("linked_dag.py"), outside.resolve("secret_dag.py"));
        Files.createSymbolicLink(dags.resolve("dangling.py"), tmp.resolve("gone.py"));
        Files.createSymbolicLink(dags.resolve("readme.txt"), tmp.resolve("gone.txt")); // not a workflow file
        Files.createDirectories(dags.resolve("package.py")); // a folder named like a module is walked, not read
        Files.writeString(dags.resolve("package.py/inner.py"), "x = 1\n");
        Path fifo = dags.resolve("pipe.py");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        boolean haveFifo = mkfifo.waitFor() == 0;

        ScanReport report = WorkflowScanner.builder().root(tmp.resolve("workflows")).build().scan();

        Map<String, FileIssue> issues = byFile(report);
        assertThat(issues.get("dags/linked_dir").kind()).isEqualTo(FileIssue.Kind.SYMLINK);
        assertThat(issues.get("dags/linked_dir").reason()).contains("symbolic link to the folder " + outside, "not followed");
        assertThat(issues.get("dags/linked_dag.py").kind()).isEqualTo(FileIssue.Kind.SYMLINK);
        assertThat(issues.get("dags/dangling.py").kind()).isEqualTo(FileIssue.Kind.UNREADABLE);
        assertThat(issues.get("dags/dangling.py").reason()).contains("dangling symbolic link to " + tmp.resolve("gone.py"));
        assertThat(issues).doesNotContainKey("dags/readme.txt");
        assertThat(report.findings()).isEmpty(); // nothing outside the root was read
        assertThat(report.filesScanned()).isEqualTo(1); // package.py/inner.py
        assertThat(report.filesIgnored()).isEqualTo(1); // readme.txt
        if (haveFifo) {
            assertThat(issues.get("dags/pipe.py").kind()).isEqualTo(FileIssue.Kind.UNREADABLE);
            assertThat(issues.get("dags/pipe.py").reason()).contains("a FIFO (named pipe): not opened");
        }
        assumeThat(haveFifo).as("mkfifo is not available here; the FIFO case was not checked").isTrue();
    }

    @Test
    void aMissingRootIsReported() {
        ScanReport report = WorkflowScanner.forKaapana(tmp.resolve("no-such-fast")).build().scan();
        assertThat(report.issues()).singleElement().satisfies(i -> {
            assertThat(i.kind()).isEqualTo(FileIssue.Kind.UNREADABLE);
            assertThat(i.root()).isEqualTo(tmp.resolve("no-such-fast/workflows").toString());
            assertThat(i.reason()).contains("does not exist");
        });
        assertThat(report.filesScanned()).isZero();
    }

    @Test
    void aRootThatIsALinkIsResolvedAndNestedRootsAreWalkedOnce() throws Exception {
        Path real = Files.createDirectories(tmp.resolve("real/dags"));
        Files.writeString(real.resolve("a.py"), "conf['form_data']\n");
        Path link = Files.createSymbolicLink(tmp.resolve("workflows"), tmp.resolve("real"));
        ScanReport report = WorkflowScanner.builder().root(link).root(real).path(real.resolve("a.py")).build().scan();
        assertThat(report.findingCount()).isEqualTo(1);
        assertThat(report.roots()).containsExactly(tmp.resolve("real").toRealPath().toString());
    }

    @Test
    void explicitFilesAreScannedWhateverTheGlobsSay() throws Exception {
        Path script = Files.writeString(tmp.resolve("start.sh.py.txt"), "x = conf['form_data']\n");
        ScanReport report = WorkflowScanner.builder().path(script).build().scan();
        assertThat(report.findings()).singleElement().satisfies(f -> {
            assertThat(f.file()).isEqualTo("start.sh.py.txt");
            assertThat(f.root()).isEqualTo(tmp.toRealPath().toString());
        });
    }
}
