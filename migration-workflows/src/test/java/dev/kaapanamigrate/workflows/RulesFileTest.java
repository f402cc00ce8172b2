package dev.kaapanamigrate.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kaapanamigrate.core.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rules are data: a site's rule file is loaded, applied and rewritten like the built-in ones; bad files are refused. */
class RulesFileTest {

    @TempDir
    Path tmp;

    private static final String SITE_RULES = """
            {"format": 1,
             "rules": [
               {"id": "site.gpu-queue", "severity": "BREAKS",
                "message": "the Kubernetes queue gpu-old is gone on the 0.5 cluster; use gpu-a100",
                "patterns": [{"tokens": [{"kind": "NAME", "text": "queue"}, {"kind": "OP", "text": "="},
                                         {"kind": "STRING", "text": "gpu-old"}],
                              "rewrite": [null, null, "gpu-a100"]}]},
               {"id": "site.legacy-helper", "severity": "DEPRECATED",
                "message": "site_utils.LegacyPacs is replaced by site_utils.pacs.connect()",
                "symbol": {"modules": ["site_utils"], "name": "LegacyPacs",
                           "rewriteImport": "from site_utils.pacs import connect", "rewriteCall": "connect()"},
                "replacement": "site_utils.pacs.connect()"},
               {"id": "site.hostname", "severity": "ADVICE",
                "message": "the old PACS host name; check it",
                "patterns": [{"tokens": [{"kind": "STRING", "regex": ".*pacs-old\\\\.example\\\\.org.*"}]}]}
             ]}
            """;

    @Test
    void aSiteRuleFileAddsFindingsAndRewrites() throws Exception {
        Path rules = Files.writeString(tmp.resolve("site-rules.json"), SITE_RULES);
        Path dags = Files.createDirectories(tmp.resolve("fast/workflows/dags"));
        Files.writeString(dags.resolve("dag_site_gpu.py"), """
                from site_utils import LegacyPacs
                op = SiteTrainOperator(dag=dag, queue='gpu-old', form=conf["form_data"])
                pacs = LegacyPacs()
                host = "https://pacs-old.example.org/dicom-web"
                queue_name = "gpu-old"  # not a queue= argument
                """);
        WorkflowScanner scanner = WorkflowScanner.forKaapana(tmp.resolve("fast"))
                .addRules(WorkflowRules.load(rules)).build();

        ScanReport report = scanner.scan();

        assertThat(report.findings()).extracting(Finding::line, Finding::ruleId, Finding::mechanical).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1, "site.legacy-helper", true),
                org.assertj.core.groups.Tuple.tuple(2, "site.gpu-queue", true),
                org.assertj.core.groups.Tuple.tuple(2, "kaapana.form-data-key", true),
                org.assertj.core.groups.Tuple.tuple(3, "site.legacy-helper", true),
                org.assertj.core.groups.Tuple.tuple(4, "site.hostname", false));
        assertThat(report.rules()).endsWith("site.gpu-queue", "site.legacy-helper", "site.hostname");

        WorkflowRewriter.of(scanner).apply();
        assertThat(Files.readString(dags.resolve("dag_site_gpu.py"))).isEqualTo("""
                from site_utils.pacs import connect
                op = SiteTrainOperator(dag=dag, queue='gpu-a100', form=conf["workflow_form"])
                pacs = connect()
                host = "https://pacs-old.example.org/dicom-web"
                queue_name = "gpu-old"  # not a queue= argument
                """);
    }

    @Test
    void theBuiltInRulesRoundTripThroughTheFileFormat() {
        List<WorkflowRule> builtIn = WorkflowRules.kaapana05();
        assertThat(WorkflowRules.parse(WorkflowRules.toJson(builtIn), "round trip")).isEqualTo(builtIn);
        assertThat(builtIn).extracting(WorkflowRule::id).doesNotHaveDuplicates()
                .allMatch(id -> id.startsWith("kaapana."));
        assertThat(builtIn.stream().filter(WorkflowRule::rewrites).map(WorkflowRule::id)).containsExactly(
                "kaapana.renamed-dag-id", "kaapana.form-data-key", "kaapana.network-access-label", "kaapana.thumbnail-env",
                "kaapana.thumbnail-operator-argument", "kaapana.helper-minio", "kaapana.helper-minio-kaapanapy");
    }

    @Test
    void invalidRuleFilesAreRefusedSayingWhat() throws Exception {
        assertThatThrownBy(() -> WorkflowRules.parse("{\"format\": 1, \"rules\": [{\"id\": \"a\", \"severity\": \"BREAKS\", "
                + "\"message\": \"m\", \"patterns\": [{\"tokens\": [{\"kind\": \"STRING\", \"txt\": \"x\"}]}]}]}", "f.json"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("f.json").hasMessageContaining("\"txt\"");
        assertThatThrownBy(() -> WorkflowRules.parse("{\"format\": 1, \"rules\": [{\"id\": \"a\", \"severity\": \"BREAKS\", "
                + "\"message\": \"m\", \"patterns\": [{\"tokens\": [{\"kind\": \"STRING\", \"regex\": \"(\"}]}]}]}", "f.json"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("no valid regular expression");
        assertThatThrownBy(() -> WorkflowRules.parse("{\"format\": 1, \"rules\": [{\"id\": \"a\", \"severity\": \"BREAKS\", "
                + "\"message\": \"m\", \"patterns\": [{\"tokens\": [{\"kind\": \"STRING\", \"text\": \"x\"}], "
                + "\"rewrite\": [\"y\", \"z\"]}]}]}", "f.json"))
                .hasMessageContaining("1 tokens but 2 rewrite entries");
        assertThatThrownBy(() -> WorkflowRules.parse("{\"format\": 1, \"rules\": [{\"id\": \"a\", \"severity\": \"BREAKS\", "
                + "\"message\": \"m\", \"patterns\": [{\"tokens\": [{\"kind\": \"STRING\", \"text\": \"x\"}], "
                + "\"rewrite\": [\"${2}\"]}]}]}", "f.json"))
                .hasMessageContaining("refers to token 2 of a pattern with 1 tokens");
        assertThatThrownBy(() -> WorkflowRules.parse("{\"format\": 1, \"rules\": [{\"id\": \"a\", \"message\": \"m\", "
                + "\"patterns\": [{\"tokens\": [{\"kind\": \"NAME\"}]}]}]}", "f.json"))
                .hasMessageContaining("Rule a has no \"severity\"");
        assertThatThrownBy(() -> WorkflowRules.parse("{\"format\": 1, \"rules\": [{\"id\": \"Bad Id\", \"severity\": \"ADVICE\", "
                + "\"message\": \"m\", \"patterns\": [{\"tokens\": [{\"kind\": \"NAME\"}]}]}]}", "f.json"))
                .hasMessageContaining("Rule id 'Bad Id' is invalid");
        assertThatThrownBy(() -> WorkflowRules.parse("{\"format\": 1, \"rules\": [{\"id\": \"a\", \"severity\": \"ADVICE\", "
                + "\"message\": \"m\"}]}", "f.json"))
                .hasMessageContaining("must have either \"patterns\"").hasMessageContaining("neither");
        assertThatThrownBy(() -> WorkflowRules.parse("{\"format\": 2, \"rules\": []}", "f.json"))
                .hasMessageContaining("has format 2; expected \"format\": 1");
        assertThatThrownBy(() -> WorkflowRules.parse("{\"format\": 1, \"rules\": [", "f.json"))
                .hasMessageContaining("no valid rule JSON");
        String dup = "{\"id\": \"a\", \"severity\": \"ADVICE\", \"message\": \"m\", \"patterns\": [{\"tokens\": [{\"kind\": \"NAME\"}]}]}";
        assertThatThrownBy(() -> WorkflowRules.parse("{\"format\": 1, \"rules\": [" + dup + "," + dup + "]}", "f.json"))
                .hasMessageContaining("use the id(s) [a] more than once");
        assertThatThrownBy(() -> WorkflowRules.load(tmp.resolve("missing.json")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("Cannot read the rule file");
        assertThatThrownBy(() -> WorkflowScanner.forKaapana(tmp).addRules(WorkflowRules.kaapana05()).build())
                .hasMessageContaining("more than once");
        assertThatThrownBy(() -> WorkflowScanner.builder().build()).hasMessageContaining("no folder to scan");
        assertThatThrownBy(() -> WorkflowScanner.builder().root(tmp).rules(List.of()).build()).hasMessageContaining("no rules");
        assertThatThrownBy(() -> WorkflowScanner.builder().root(tmp).includes(List.of("{")).build())
                .hasMessageContaining("glob");
    }

    @Test
    void buildersAreImmutable() {
        WorkflowScanner.Builder base = WorkflowScanner.forKaapana(tmp);
        WorkflowScanner.Builder more = base.path(tmp.resolve("x")).maxFileSize(10);
        assertThat(base.build().paths()).isEmpty();
        assertThat(more.build().paths()).containsExactly(tmp.resolve("x"));
        assertThat(base.build().roots()).containsExactly(tmp.resolve("workflows"));
    }
}
