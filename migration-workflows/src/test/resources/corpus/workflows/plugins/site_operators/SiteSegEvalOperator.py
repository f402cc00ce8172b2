# corpus: imports-after-rewrite
from datetime import timedelta

from kaapana.blueprints.kaapana_global_variables import DEFAULT_REGISTRY, KAAPANA_BUILD_VERSION
from kaapana.operators.KaapanaBaseOperator import KaapanaBaseOperator


class SiteSegEvalOperator(KaapanaBaseOperator):
    """Compares segmentations with the site's reference masks and writes the scores to OpenSearch."""

    def __init__(self, dag, gt_operator, test_operator, metrics=("dice", "hausdorff"), env_vars=None, **kwargs):
        env_vars = dict(env_vars or {})
        env_vars.update(
            {
                "GT_IN_DIR": str(gt_operator.operator_out_dir),
                "TEST_IN_DIR": str(test_operator.operator_out_dir),
                "METRICS": ",".join(metrics),
            }
        )
        super().__init__(
            dag=dag,
            name="site-seg-eval",
            image=f"{DEFAULT_REGISTRY}/site-seg-eval:{KAAPANA_BUILD_VERSION}",
            image_pull_secrets=["registry-secret"],
            env_vars=env_vars,
            labels={"network-access": "opensearch"},  # expect: kaapana.network-access-label=rewrite
            execution_timeout=timedelta(minutes=30),
            **kwargs,
        )

    def prepare(self, context):
        conf = context["dag_run"].conf
        # r-strings and b-strings are strings too
        threshold = conf[r'form_data'].get("threshold", 0.5)  # expect: kaapana.form-data-key=rewrite
        marker = b"form_data"  # expect: kaapana.form-data-key=rewrite
        return threshold, marker


def corpus_check():
    class Dag:
        pass

    class Ref:
        operator_out_dir = "/gt"

    op = SiteSegEvalOperator(Dag(), Ref(), Ref())
    assert op.labels == {"network-access-opensearch": "true"}
    assert op.prepare({"dag_run": type("R", (), {"conf": {"workflow_form": {"threshold": 0.7}}})()}) == (0.7, b"workflow_form")
