package dev.kaapanamigrate.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rewritten corpus is valid Python: every file compiles with {@code python3 -m py_compile}, and the files marked
 * {@code # corpus: imports-after-rewrite} import against stub {@code airflow}/{@code kaapana}/{@code kaapanapy} packages
 * that carry Kaapana 0.5's names (and refuse 0.4-only ones) and pass their own {@code corpus_check()}; their originals
 * do not, which shows the stubs tell 0.4 from 0.5. Skipped, saying so, where python3 is missing.
 */
class RewriteCompilesIT {

    @TempDir
    static Path tmp;

    static Path stubs;
    static Path importCheck;

    @BeforeAll
    static void python() throws Exception {
        assumeTrue(Python.available(), "python3 is not on the PATH: the compile and import checks of the rewritten corpus "
                + "cannot run here (install python3 to run them)");
        stubs = tmp.resolve("stubs");
        Corpus.copyTree(Corpus.resource("stubs"), stubs);
        importCheck = Corpus.resource("python/import_check.py");
    }

    private static String header(Path file) throws Exception {
        String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        return text.lines().filter(l -> l.startsWith("# corpus: ")).findFirst().map(l -> l.substring(10).strip()).orElse("");
    }

    private static Map<String, String> env(Path workflows) {
        return Map.of("PYTHONPATH", stubs + ":" + workflows.resolve("dags") + ":" + workflows.resolve("plugins"),
                "PYTHONPYCACHEPREFIX", tmp.resolve("pycache").toString(), "PYTHONDONTWRITEBYTECODE", "1");
    }

    @Test
    void rewrittenFilesCompileAndImportAgainstTheStubsOf05() throws Exception {
        Path fast = Corpus.install(tmp.resolve("fast"));
        Path original = Corpus.install(tmp.resolve("original")).resolve("workflows");
        Path workflows = fast.resolve("workflows");
        RewritePlan done = WorkflowRewriter.of(WorkflowScanner.forKaapana(fast).build()).apply();
        Set<String> rewritten = done.files().stream().map(FileRewrite::file).collect(Collectors.toSet());
        assertThat(rewritten).hasSize(10);

        List<String> compiled = new ArrayList<>();
        List<String> imported = new ArrayList<>();
        List<String> failingBefore = new ArrayList<>();
        try (Stream<Path> files = Files.walk(workflows)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".py")).sorted().toList()) {
                String rel = workflows.relativize(file).toString();
                String kind = header(file);
                if (rel.startsWith("plugins/kaapana/") || kind.equals("unparsable") || kind.isEmpty()) {
                    continue;
                }
                Python.Run compile = Python.run(workflows, env(workflows), "-m", "py_compile", file.toString());
                assertThat(compile.exit()).as(rel + " compiles: " + compile.output()).isZero();
                compiled.add(rel);
                if (!kind.equals("imports-after-rewrite")) {
                    continue;
                }
                Python.Run imports = Python.run(workflows, env(workflows), importCheck.toString(), file.toString());
                assertThat(imports.exit()).as(rel + " imports against the 0.5 stubs: " + imports.output()).isZero();
                assertThat(imports.output()).contains("OK");
                imported.add(rel);
                if (rewritten.contains(rel)) {
                    Python.Run before = Python.run(original, env(original), importCheck.toString(),
                            original.resolve(rel).toString());
                    assertThat(before.exit()).as(rel + " before the rewrite fails against the 0.5 stubs: " + before.output())
                            .isNotZero();
                    failingBefore.add(rel);
                }
            }
        }
        assertThat(compiled).hasSize(15); // every scanned file but the two empty __init__.py
        assertThat(imported).contains("dags/dag_site_minio_export.py", "dags/dag_site_guide_minio.py",
                "dags/dag_site_thumbnails.py", "dags/dag_site_nifti_upload.py", "dags/site_training/TrainingOperator.py",
                "dags/dag_site_training.py", "dags/legacy_latin1.py", "dags/windows_edit.py", "dags/dag_site_notify.py",
                "mounted_scripts/thumbnail/seg_overlay.py", "plugins/site_operators/SiteSegEvalOperator.py");
        assertThat(failingBefore).containsExactlyInAnyOrderElementsOf(rewritten);
    }

    @Test
    void theManualFindingsAreRealBreakages() throws Exception {
        // DcmSendOperator with its own memory settings fails on 0.5 as the rule says: TypeError at parse time.
        Path fast = Corpus.install(tmp.resolve("manual"));
        Path workflows = fast.resolve("workflows");
        Python.Run send = Python.run(workflows, env(workflows), importCheck.toString(),
                workflows.resolve("dags/dag_site_send_to_pacs.py").toString());
        assertThat(send.exit()).isNotZero();
        assertThat(send.output()).contains("TypeError", "multiple values for keyword argument 'ram_mem_mb'");
        Python.Run archive = Python.run(workflows, env(workflows), importCheck.toString(),
                workflows.resolve("dags/dag_site_minio_archive.py").toString());
        assertThat(archive.output()).contains("cannot import name 'HelperMinio'");
    }
}
