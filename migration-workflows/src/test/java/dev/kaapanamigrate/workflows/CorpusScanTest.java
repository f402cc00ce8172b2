package dev.kaapanamigrate.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in rules on the corpus: every marked finding, and nothing else (near misses, comments, docstrings). */
class CorpusScanTest {

    @TempDir
    Path tmp;

    @Test
    void findsExactlyTheMarkedFindings() throws Exception {
        Path fast = Corpus.install(tmp.resolve("fast"));
        ScanReport report = WorkflowScanner.forKaapana(fast).build().scan();

        assertThat(Corpus.actual(report)).isEqualTo(Corpus.expected(fast.resolve("workflows"), "plugins/kaapana/"));
        assertThat(report.issues()).extracting(FileIssue::file, FileIssue::kind, FileIssue::line)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("dags/broken_unterminated.py",
                        FileIssue.Kind.UNPARSABLE, 2));
        assertThat(report.issues().get(0).reason()).contains("unterminated triple-quoted string literal starting at line 2");
        assertThat(report.filesIgnored()).isEqualTo(1); // mounted_scripts/notes.txt
        assertThat(report.filesScanned()).isEqualTo(17); // 18 Python files outside plugins/kaapana, one unparsable
        assertThat(report.findingCount()).isEqualTo(report.findings().size());
        assertThat(report.countsByRule().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(report.findingCount());
        assertThat(report.roots()).containsExactly(fast.resolve("workflows").toRealPath().toString());
    }

    @Test
    void everyBuiltInRuleHitsTheCorpus() throws Exception {
        Path fast = Corpus.install(tmp.resolve("fast"));
        ScanReport report = WorkflowScanner.forKaapana(fast).build().scan();
        List<String> ids = WorkflowRules.kaapana05().stream().map(WorkflowRule::id).toList();
        assertThat(report.countsByRule().keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(report.countsBySeverity()).containsOnlyKeys(Severity.values());
    }

    @Test
    void kaapanasOwnPluginPackageIsLeftOutButScannedWhenAsked() throws Exception {
        Path fast = Corpus.install(tmp.resolve("fast"));
        ScanReport all = WorkflowScanner.forKaapana(fast).excludes(WorkflowScanner.DEFAULT_EXCLUDES).build().scan();
        assertThat(all.findings()).filteredOn(f -> f.file().startsWith("plugins/kaapana/"))
                .extracting(Finding::ruleId).containsExactly("kaapana.helper-minio", "kaapana.form-data-key");
    }

    @Test
    void findingsCarryPositionTextReplacementAndMessage() throws Exception {
        Path fast = Corpus.install(tmp.resolve("fast"));
        ScanReport report = WorkflowScanner.forKaapana(fast).build().scan();
        Finding label = report.findings().stream().filter(f -> f.file().equals("dags/site_training/TrainingOperator.py")
                && f.ruleId().equals("kaapana.network-access-label")).findFirst().orElseThrow();
        assertThat(label.line()).isEqualTo(22);
        assertThat(label.column()).isEqualTo(17);
        assertThat(label.severity()).isEqualTo(Severity.BREAKS);
        assertThat(label.text()).startsWith("'network-access':").endsWith("'opensearch'");
        assertThat(label.replacement()).startsWith("'network-access-opensearch':").endsWith("'true'");
        assertThat(label.message()).contains("network-access-opensearch");
        assertThat(label.describe()).startsWith("dags/site_training/TrainingOperator.py:22:17 BREAKS "
                + "kaapana.network-access-label: 'network-access':  # expect:");

        Finding minio = report.findings().stream().filter(f -> f.file().equals("dags/dag_site_minio_archive.py")
                && f.text().startsWith("hm.")).findFirst().orElseThrow();
        assertThat(minio.mechanical()).isFalse();
        assertThat(minio.text()).isEqualTo("hm.HelperMinio(username=\"system\")");
        assertThat(minio.replacement()).isEqualTo("from kaapanapy.helper import get_minio_client; minio = get_minio_client()");
    }
}
