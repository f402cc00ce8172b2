package dev.kaapanamigrate.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.PreconditionFailedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rewriter on the corpus: dry-run, apply with backups, idempotence, conflicts, encodings. */
class RewriteTest {

    @TempDir
    Path tmp;

    Path fast;
    Path workflows;
    WorkflowRewriter rewriter;

    @BeforeEach
    void corpus() {
        fast = Corpus.install(tmp.resolve("fast"));
        workflows = fast.resolve("workflows");
        rewriter = WorkflowRewriter.of(WorkflowScanner.forKaapana(fast).build());
    }

    private String read(String rel) throws Exception {
        return Files.readString(workflows.resolve(rel), StandardCharsets.ISO_8859_1);
    }

    @Test
    void planWritesNothingAndListsOneDiffPerFile() throws Exception {
        TreeMap<String, String> before = Corpus.digest(fast);

        RewritePlan plan = rewriter.plan();

        assertThat(Corpus.digest(fast)).isEqualTo(before);
        assertThat(plan.refused()).isEmpty();
        assertThat(plan.files()).extracting(FileRewrite::file).containsExactlyInAnyOrder(
                "dags/dag_site_auto_import.py", "dags/dag_site_guide_minio.py", "dags/dag_site_minio_export.py",
                "dags/dag_site_nifti_upload.py", "dags/dag_site_thumbnails.py", "dags/legacy_latin1.py",
                "dags/site_training/TrainingOperator.py", "dags/windows_edit.py", "mounted_scripts/thumbnail/seg_overlay.py",
                "plugins/site_operators/SiteSegEvalOperator.py");
        long mechanical = plan.scan().mechanicalCount();
        assertThat(plan.files().stream().mapToInt(f -> f.rewrites().values().stream().mapToInt(Integer::intValue).sum()).sum())
                .isEqualTo(mechanical);
        FileRewrite thumbnails = plan.files().stream().filter(f -> f.file().equals("dags/dag_site_thumbnails.py")).findFirst()
                .orElseThrow();
        assertThat(thumbnails.backup()).isEqualTo("dags/dag_site_thumbnails.py.kaapana-migrate-0.4.bak");
        assertThat(thumbnails.rewrites()).containsExactly(Map.entry("kaapana.thumbnail-env", 1),
                Map.entry("kaapana.thumbnail-operator-argument", 1));
        assertThat(thumbnails.summary()).isEqualTo("2 rewrites: kaapana.thumbnail-env x1, kaapana.thumbnail-operator-argument x1");
        assertThat(thumbnails.diff()).isEqualTo("""
                --- a/dags/dag_site_thumbnails.py
                +++ b/dags/dag_site_thumbnails.py
                @@ -28,7 +28,7 @@
                         env_vars = env_vars or {}
                         env_vars.update(
                             {
                -                'ORIG_IMAGE_OPERATOR_DIR': str(ref_operator.operator_out_dir),  # expect: kaapana.thumbnail-env=rewrite
                +                'GET_REF_SERIES_OPERATOR_DIR': str(ref_operator.operator_out_dir),  # expect: kaapana.thumbnail-env=rewrite
                                 "ORIG_IMAGE_OPERATOR_DIR_OLD": "unused",
                             }
                         )
                @@ -52,7 +52,7 @@
                 thumbnail = GenerateThumbnailOperator(
                     dag=dag,
                     input_operator=get_input,
                -    orig_image_operator=get_ref,  # expect: kaapana.thumbnail-operator-argument=rewrite
                +    get_ref_series_operator=get_ref,  # expect: kaapana.thumbnail-operator-argument=rewrite
                 )
                 montage = OverlayMontageOperator(dag=dag, ref_operator=get_ref, input_operator=get_input)
                 put_to_minio = LocalMinioOperator(dag=dag, action="put", action_operators=[thumbnail], file_white_tuples=(".png",))
                """);
        assertThat(thumbnails.sha256Before()).isEqualTo(Corpus.sha256(Files.readAllBytes(workflows.resolve(thumbnails.file()))));
    }

    @Test
    void applyWritesWhatThePlanShowedKeepsBackupsAndASecondRunFindsNothing() throws Exception {
        Map<String, byte[]> originals = new TreeMap<>();
        RewritePlan plan = rewriter.plan();
        for (FileRewrite f : plan.files()) {
            originals.put(f.file(), Files.readAllBytes(workflows.resolve(f.file())));
        }

        RewritePlan done = rewriter.apply();

        assertThat(done.files()).isEqualTo(plan.files());
        for (FileRewrite f : done.files()) {
            assertThat(workflows.resolve(f.backup())).hasBinaryContent(originals.get(f.file()));
            assertThat(Corpus.sha256(Files.readAllBytes(workflows.resolve(f.file())))).isEqualTo(f.sha256After());
            assertThat(workflows.resolve(f.file()).resolveSibling("." + workflows.resolve(f.file()).getFileName()
                    + ".kaapana-migrate.tmp")).doesNotExist();
        }
        TreeMap<String, String> after = Corpus.digest(fast);
        RewritePlan again = rewriter.plan();
        assertThat(again.files()).isEmpty();
        assertThat(again.scan().mechanicalCount()).isZero();
        assertThat(rewriter.apply().files()).isEmpty();
        assertThat(Corpus.digest(fast)).isEqualTo(after);
        // what needs a person is still reported
        assertThat(again.scan().findingCount()).isEqualTo(plan.scan().findingCount() - plan.scan().mechanicalCount());
    }

    @Test
    void rewrittenSnippets() throws Exception {
        rewriter.apply();
        assertThat(read("dags/dag_site_nifti_upload.py"))
                .contains("form = conf.get('workflow_form', {})")
                .contains("log.info(f\"lab share from the form: {conf['workflow_form'].get('lab_share')}\")")
                .contains("if \"workflow_form\" in conf and conf[\"workflow_form\"] is not None:")
                .contains("form_data = dict(form)  # a variable named form_data is fine")
                .contains("conf.get(\"form_data_backup\")")
                .contains("conf[\"form_data\"] in 0.4; this docstring mentions")
                .contains("trigger_dag_id=\"import-niftis-from-data-upload\",");
        assertThat(read("dags/site_training/TrainingOperator.py"))
                .contains("'network-access-opensearch':  # expect: kaapana.network-access-label=rewrite\n                    'true',")
                .contains("kwargs[\"labels\"][\"network-access-ctp\"] = \"true\"")
                .contains("update({\"network-access-external-ips\": \"true\"})")
                .contains("reads labels from OpenSearch ({\"network-access\": \"opensearch\"}).\"\"\"");
        assertThat(read("dags/dag_site_minio_export.py"))
                .contains("from kaapanapy.helper import get_minio_client  # expect: kaapana.helper-minio=rewrite\n")
                .contains("    minio = get_minio_client()\n    for name in")
                .doesNotContain("HelperMinio");
        assertThat(read("dags/dag_site_guide_minio.py"))
                .contains("from kaapanapy.helper import get_minio_client\n\ndag = DAG(")
                .contains("client = get_minio_client()  # expect");
        assertThat(read("dags/dag_site_minio_archive.py")).isEqualTo(Files.readString(
                Corpus.resource("corpus/workflows/dags/dag_site_minio_archive.py")));
        assertThat(read("plugins/site_operators/SiteSegEvalOperator.py"))
                .contains("labels={\"network-access-opensearch\": \"true\"},")
                .contains("conf[r'workflow_form']").contains("marker = b\"workflow_form\"");
        assertThat(read("mounted_scripts/thumbnail/seg_overlay.py"))
                .contains("os.getenv(\"GET_REF_SERIES_OPERATOR_DIR\")").contains("os.environ['GET_REF_SERIES_OPERATOR_DIR']")
                .contains("raise SystemExit(\"ORIG_IMAGE_OPERATOR_DIR is not set\")");
        assertThat(read("dags/dag_site_auto_import.py")).contains("\"import-dicoms-from-data-upload\",  # expect")
                .contains("'import-niftis-from-data-upload',  # expect").contains("getdagruns?dag_id=import-dicoms-in-zip-to-internal-pacs");
        assertThat(read("dags/dag_convert_niftis_to_dicoms_and_import_to_pacs.py"))
                .contains("dag_id=\"convert-nifitis-to-dicoms-and-import-to-pacs\"");
    }

    @Test
    void encodingsLineEndingsAndPermissionsAreKept() throws Exception {
        Path latin = workflows.resolve("dags/legacy_latin1.py");
        Path crlf = workflows.resolve("dags/windows_edit.py");
        Files.setPosixFilePermissions(crlf, PosixFilePermissions.fromString("rw-r-----"));
        byte[] latinBefore = Files.readAllBytes(latin);

        rewriter.apply();

        byte[] latinAfter = Files.readAllBytes(latin);
        String expected = new String(latinBefore, StandardCharsets.ISO_8859_1).replace("conf[\"form_data\"]", "conf[\"workflow_form\"]");
        assertThat(latinAfter).isEqualTo(expected.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(new String(latinAfter, StandardCharsets.ISO_8859_1)).contains("k\u00f6rperteil");
        String windows = Files.readString(crlf);
        assertThat(windows).contains("int(conf[\"workflow_form\"].get(\"series_limit\", 10))  # expect: kaapana.form-data-key=rewrite\r\n");
        assertThat(windows.replace("\r\n", "")).doesNotContain("\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(crlf))).isEqualTo("rw-r-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                crlf.resolveSibling("windows_edit.py.kaapana-migrate-0.4.bak")))).isEqualTo("rw-r-----");
    }

    @Test
    void aBackupThatDiffersBlocksEverythingWithNothingWritten() throws Exception {
        Path conflict = workflows.resolve("dags/windows_edit.py.kaapana-migrate-0.4.bak");
        Files.writeString(conflict, "an original from an earlier attempt\n");
        TreeMap<String, String> before = Corpus.digest(fast);

        RewritePlan plan = rewriter.plan();
        assertThat(plan.refused()).extracting(FileIssue::file, FileIssue::kind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("dags/windows_edit.py", FileIssue.Kind.BACKUP_CONFLICT));
        assertThatThrownBy(() -> rewriter.apply()).isInstanceOf(PreconditionFailedException.class)
                .satisfies(e -> assertThat(((PreconditionFailedException) e).code()).isEqualTo(CoreErrorCode.PRECONDITION_FAILED))
                .hasMessageContaining("dags/windows_edit.py: BACKUP_CONFLICT")
                .hasMessageContaining("nothing was written")
                .hasMessageContaining("move each conflicting .kaapana-migrate-0.4.bak file aside");
        assertThat(Corpus.digest(fast)).isEqualTo(before);
    }

    @Test
    void aBackupLeftByAnInterruptedRunIsReused() throws Exception {
        Path file = workflows.resolve("dags/windows_edit.py");
        byte[] original = Files.readAllBytes(file);
        Files.write(file.resolveSibling("windows_edit.py.kaapana-migrate-0.4.bak"), original); // crash after the backup
        Files.writeString(file.resolveSibling(".windows_edit.py.kaapana-migrate.tmp"), "half"); // and a temporary file

        rewriter.apply();

        assertThat(file.resolveSibling("windows_edit.py.kaapana-migrate-0.4.bak")).hasBinaryContent(original);
        assertThat(Files.readString(file)).contains("conf[\"workflow_form\"]");
        assertThat(file.resolveSibling(".windows_edit.py.kaapana-migrate.tmp")).doesNotExist();
    }

    @Test
    void theConcatenatedPatchNamesEveryFile() {
        RewritePlan plan = rewriter.plan();
        String patch = plan.patch();
        assertThat(patch.lines().filter(l -> l.startsWith("+++ b/")).toList()).hasSize(plan.files().size());
        assertThat(plan.isEmpty()).isFalse();
    }

    @Test
    void backupsAreNeverScannedAsCode() throws Exception {
        rewriter.apply();
        ScanReport report = WorkflowScanner.forKaapana(fast).includes(List.of("**/*")).build().scan();
        assertThat(report.findings()).noneMatch(f -> f.file().endsWith(".bak") && f.mechanical());
    }
}
