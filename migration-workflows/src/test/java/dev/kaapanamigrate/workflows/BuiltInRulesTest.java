package dev.kaapanamigrate.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The built-in rules on small sources: hits, near misses, quoting, layout and import aliases. */
class BuiltInRulesTest {

    private static final WorkflowScanner SCANNER = WorkflowScanner.builder().root(Path.of("unused")).build();

    /** Findings as {@code line:rule=rewrite|manual -> replacement}. */
    private static List<String> scan(String source) {
        ScanReport r = SCANNER.scanSource("t.py", source);
        assertThat(r.issues()).as("tokenizable").isEmpty();
        return r.findings().stream().map(f -> f.line() + ":" + f.ruleId() + "=" + (f.mechanical() ? "rewrite" : "manual")
                + " -> " + f.replacement()).toList();
    }

    @Test
    void formDataInEveryQuotingButNotInCommentsDocstringsOrLongerStrings() {
        assertThat(scan("""
                '''form_data in a module docstring'''
                # conf["form_data"] in a comment
                a = conf["form_data"]
                b = conf.get('form_data')
                c = conf[\"\"\"form_data\"\"\"]
                d = {"form_data": 1, 'x': "form_data_old", "y": "no form_data here"}
                form_data = conf.form_data
                def f():
                    "form_data"
                    return f"{conf['form_data']}"
                """)).containsExactly("3:kaapana.form-data-key=rewrite -> \"workflow_form\"",
                "4:kaapana.form-data-key=rewrite -> 'workflow_form'", "5:kaapana.form-data-key=rewrite -> \"\"\"workflow_form\"\"\"",
                "6:kaapana.form-data-key=rewrite -> \"workflow_form\"", "10:kaapana.form-data-key=rewrite -> 'workflow_form'");
    }

    @Test
    void networkAccessLabelInEveryLayout() {
        assertThat(scan("""
                a = {"network-access": "opensearch"}
                b = {'network-access' :
                     # the old label
                     'external-ips'}
                c = dict(labels={
                    "network-access":
                        "ctp",
                })
                kwargs["labels"]["network-access"] = 'opensearch'
                d = {"network-access": "internet"}
                e = {"network-access-opensearch": "true"}
                f = {"network-access": some_value}
                """)).containsExactly(
                "1:kaapana.network-access-label=rewrite -> \"network-access-opensearch\": \"true\"",
                "2:kaapana.network-access-label=rewrite -> 'network-access-external-ips' :\n     # the old label\n     'true'",
                "6:kaapana.network-access-label=rewrite -> \"network-access-ctp\":\n        \"true\"",
                "9:kaapana.network-access-label=rewrite -> \"network-access-opensearch\"] = 'true'",
                "10:kaapana.network-access-key=manual -> \"network-access-<target>\": \"true\"",
                "12:kaapana.network-access-key=manual -> \"network-access-<target>\": \"true\"");
    }

    @Test
    void helperMinioThroughEveryImportForm() {
        // from-import with alias, every use a mechanical call: rewritten
        assertThat(scan("""
                from kaapanapy.helper.get_minio_client import HelperMinio as H
                def run(**kwargs):
                    client = H(dag_run=kwargs["dag_run"])
                    other = H()
                """)).containsExactly(
                "1:kaapana.helper-minio-kaapanapy=rewrite -> from kaapanapy.helper import get_minio_client",
                "3:kaapana.helper-minio-kaapanapy=rewrite -> get_minio_client()",
                "4:kaapana.helper-minio-kaapanapy=rewrite -> get_minio_client()");
        // a module alias: advice only
        assertThat(scan("""
                import kaapanapy.helper.get_minio_client as gmc
                client = gmc.HelperMinio()
                """)).containsExactly("2:kaapana.helper-minio-kaapanapy=manual -> from kaapanapy.helper import "
                + "get_minio_client; minio = get_minio_client()");
        // the package imported whole, then the dotted path
        assertThat(scan("""
                import kaapana.operators.HelperMinio
                c = kaapana.operators.HelperMinio.HelperMinio(dag_run=run)
                """)).extracting(s -> s.substring(0, s.indexOf(" ->"))).containsExactly("2:kaapana.helper-minio=manual");
        // the module imported by name from its package
        assertThat(scan("""
                from kaapana.operators import HelperMinio
                c = HelperMinio.HelperMinio()
                HelperMinio.apply_action_to_file(c, "put", "b", "o", "/f")
                """)).extracting(s -> s.substring(0, s.indexOf(" ->"))).containsExactly("2:kaapana.helper-minio=manual");
        // a call with another argument, a star import, a second name in the import: advice only
        assertThat(scan("from kaapana.operators.HelperMinio import HelperMinio\nc = HelperMinio(username='system')\n"))
                .extracting(s -> s.substring(0, s.indexOf(" ->")))
                .containsExactly("1:kaapana.helper-minio=manual", "2:kaapana.helper-minio=manual");
        assertThat(scan("from kaapana.operators.HelperMinio import *\nc = HelperMinio()\n"))
                .extracting(s -> s.substring(0, s.indexOf(" ->")))
                .containsExactly("1:kaapana.helper-minio=manual", "2:kaapana.helper-minio=manual");
        assertThat(scan("from kaapana.operators.HelperMinio import HelperMinio, X\nc = HelperMinio()\n"))
                .extracting(s -> s.substring(0, s.indexOf(" ->")))
                .containsExactly("1:kaapana.helper-minio=manual", "2:kaapana.helper-minio=manual");
        // an import alone (unused) is still an import error in 0.5, and mechanical
        assertThat(scan("    from kaapana.operators.HelperMinio import HelperMinio\n".stripLeading()))
                .containsExactly("1:kaapana.helper-minio=rewrite -> from kaapanapy.helper import get_minio_client");
        // near misses: other modules, attributes, strings, a class of the same name defined here
        assertThat(scan("""
                from site.minio import HelperMinio
                x = obj.HelperMinio()
                y = "HelperMinio"
                from kaapanapy.helper import get_minio_client
                z = get_minio_client()
                """)).isEmpty();
    }

    @Test
    void renamedDagsDefinitionsReferencesAndMentions() {
        assertThat(scan("""
                dag = DAG(dag_id="import-dicoms-in-zip-to-internal-pacs", default_args=args)
                with DAG('convert-nifitis-to-dicoms-and-import-to-pacs') as d:
                    pass
                t = TriggerDagRunOperator(task_id="t", trigger_dag_id='import-dicoms-in-zip-to-internal-pacs')
                url = f"/api/dags/import-dicoms-in-zip-to-internal-pacs/dagRuns"
                ok = "import-dicoms-from-data-upload"
                # trigger convert-nifitis-to-dicoms-and-import-to-pacs by hand
                """)).containsExactly(
                "1:kaapana.renamed-dag-definition=manual -> delete this file (Kaapana's own 0.4 DAG) or give your copy an id of its own",
                "2:kaapana.renamed-dag-definition=manual -> delete this file (Kaapana's own 0.4 DAG) or give your copy an id of its own",
                "4:kaapana.renamed-dag-id=rewrite -> 'import-dicoms-from-data-upload'",
                "5:kaapana.renamed-dag-mention=manual -> the new DAG id");
    }

    @Test
    void thumbnailDcmSendAndAdvice() {
        assertThat(scan("""
                t = GenerateThumbnailOperator(dag=dag, orig_image_operator=ref)
                other = SomeOperator(dag=dag, orig_image_operator=ref)
                def __init__(self, orig_image_operator=None): pass
                env = {"ORIG_IMAGE_OPERATOR_DIR": "x"}
                s = DcmSendOperator(dag=dag, ram_mem_mb=100)
                u = SomethingElse(ram_mem_mb=100)
                self.display_name = "x"
                """)).extracting(s -> s.substring(0, s.indexOf(" ->"))).containsExactly(
                "1:kaapana.thumbnail-operator-argument=rewrite", "4:kaapana.thumbnail-env=rewrite",
                "5:kaapana.dcmsend-memory-defaults=manual", "5:kaapana.dcmsend-memory-arguments=manual",
                "7:kaapana.display-name=manual");
    }

    @Test
    void aRewriteThatWouldBreakTheLiteralIsOnlyAdvised() {
        // the replacement is fine, but a site rule putting a quote into a string must not be applied
        WorkflowRule quoting = new WorkflowRule("site.quote", Severity.BREAKS, "m",
                List.of(TokenPattern.of(TokenMatcher.string("a")).rewritingTo("it's")), null, null);
        WorkflowScanner s = WorkflowScanner.builder().root(Path.of("unused")).rules(List.of(quoting)).build();
        assertThat(s.scanSource("t.py", "x = 'a'\ny = \"a\"\n").findings())
                .extracting(Finding::line, Finding::mechanical, Finding::replacement)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, false, "'it's'"),
                        org.assertj.core.groups.Tuple.tuple(2, true, "\"it's\""));
    }

    @Test
    void anUnparsableSourceIsReported() {
        ScanReport r = SCANNER.scanSource("t.py", "x = '''\n");
        assertThat(r.issues()).singleElement().satisfies(i -> assertThat(i.kind()).isEqualTo(FileIssue.Kind.UNPARSABLE));
    }
}
