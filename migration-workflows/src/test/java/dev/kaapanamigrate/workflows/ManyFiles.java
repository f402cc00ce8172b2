package dev.kaapanamigrate.workflows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Generates a large workflow folder of realistic DAG files (about 3 KB each, in 100 extension folders), some with
 * findings, some with near misses, plus a few files the scanner must report, and counts what it planted.
 */
final class ManyFiles {

    /** What was generated. */
    record Tree(int pythonFiles, int otherFiles, int binaryFiles, int unparsableFiles, Map<String, Long> findingsByRule) {
        long findings() {
            return findingsByRule.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private ManyFiles() {
    }

    static Tree generate(Path workflows, int files) throws IOException {
        Map<String, Long> byRule = new TreeMap<>();
        int binary = 0;
        int unparsable = 0;
        int other = 0;
        for (int i = 0; i < files; i++) {
            Path dir = workflows.resolve("dags").resolve("extension-" + (i % 100)).resolve(i % 3 == 0 ? "operators" : "");
            Files.createDirectories(dir);
            if (i % 1000 == 999) {
                byte[] blob = new byte[2048];
                blob[100] = 0;
                Files.write(dir.resolve("compiled_" + i + ".py"), blob);
                binary++;
                continue;
            }
            if (i % 1000 == 998) {
                Files.writeString(dir.resolve("half_edited_" + i + ".py"), "'''never closed\n" + body(i, new TreeMap<>()));
                unparsable++;
                continue;
            }
            if (i % 500 == 0) {
                Files.writeString(dir.resolve("README_" + i + ".md"), "# Extension " + i + "\nUses conf[\"form_data\"].\n");
                other++;
            }
            Files.writeString(dir.resolve("dag_ext_" + i + ".py"), body(i, byRule), StandardCharsets.UTF_8);
        }
        int python = files - binary - unparsable;
        return new Tree(python, other, binary, unparsable, byRule);
    }

    private static void count(Map<String, Long> byRule, String rule) {
        byRule.merge(rule, 1L, Long::sum);
    }

    /** One DAG file; findings planted by {@code i}, near misses everywhere. */
    static String body(int i, Map<String, Long> byRule) {
        StringBuilder b = new StringBuilder(3200);
        b.append("\"\"\"Extension ").append(i).append(": reads conf[\"form_data\"] in 0.4 (docstring, no code).\"\"\"\n");
        b.append("from datetime import timedelta\n\n");
        b.append("from airflow.models import DAG\nfrom airflow.utils.dates import days_ago\n");
        b.append("from kaapana.operators.LocalGetInputDataOperator import LocalGetInputDataOperator\n");
        b.append("from kaapana.operators.LocalWorkflowCleanerOperator import LocalWorkflowCleanerOperator\n");
        if (i % 50 == 7) {
            b.append("from kaapana.operators.HelperMinio import HelperMinio as H\n");
            count(byRule, "kaapana.helper-minio");
        }
        b.append("\n# form_data, network-access and ORIG_IMAGE_OPERATOR_DIR in a comment are no findings\n");
        b.append("ui_forms = {\n    \"workflow_form\": {\n        \"type\": \"object\",\n        \"properties\": {\n");
        for (int k = 0; k < 6; k++) {
            b.append("            \"option_").append(k).append("\": {\"title\": \"Option ").append(k)
                    .append("\", \"type\": \"integer\", \"default\": ").append(k * i % 97).append("},\n");
        }
        b.append("        },\n    }\n}\n\n");
        b.append("args = {\n    \"ui_visible\": True,\n    \"ui_forms\": ui_forms,\n    \"owner\": \"ext-").append(i % 100)
                .append("\",\n    \"start_date\": days_ago(0),\n    \"retries\": 1,\n")
                .append("    \"retry_delay\": timedelta(seconds=30),\n}\n\n");
        b.append("dag = DAG(\n    dag_id=\"ext-").append(i).append("\",\n    default_args=args,\n")
                .append("    schedule_interval=None,\n    concurrency=4,\n    max_active_runs=2,\n)\n\n\n");
        b.append("def process(**kwargs):\n    conf = kwargs[\"dag_run\"].conf\n");
        if (i % 10 == 3) {
            b.append("    form = conf[\"form_data\"]\n");
            count(byRule, "kaapana.form-data-key");
        } else {
            b.append("    form = conf.get(\"workflow_form\", {})\n");
        }
        b.append("    form_data = dict(form)  # a variable, no finding\n");
        b.append("    limit = int(form_data.get(\"option_1\", 10))\n");
        if (i % 50 == 7) {
            b.append("    minio = H(dag_run=kwargs[\"dag_run\"])\n");
            count(byRule, "kaapana.helper-minio");
        }
        b.append("    return {\"limit\": limit, \"note\": \"form_data_backup is another key\"}\n\n\n");
        if (i % 25 == 11) {
            b.append("labels = {\n    'network-access':\n        'opensearch',\n}\n");
            count(byRule, "kaapana.network-access-label");
        } else {
            b.append("labels = {\"network-access-opensearch\": \"true\"}\n");
        }
        if (i % 40 == 19) {
            b.append("env = {\"ORIG_IMAGE_OPERATOR_DIR\": \"get-ref-series\"}\n");
            count(byRule, "kaapana.thumbnail-env");
        }
        if (i % 200 == 101) {
            b.append("IMPORT_DAG = \"import-dicoms-in-zip-to-internal-pacs\"\n");
            count(byRule, "kaapana.renamed-dag-id");
        }
        b.append("\nget_input = LocalGetInputDataOperator(dag=dag, parallel_downloads=").append(i % 5 + 1).append(")\n");
        b.append("clean = LocalWorkflowCleanerOperator(dag=dag, clean_workflow_dir=True)\n");
        for (int k = 0; k < 8; k++) {
            b.append("# step ").append(k).append(": keeps the file at a realistic size for a DAG with a few tasks\n");
        }
        b.append("get_input >> clean\n");
        return b.toString();
    }
}
