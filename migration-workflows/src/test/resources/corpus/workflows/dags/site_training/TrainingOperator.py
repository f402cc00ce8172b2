# corpus: imports-after-rewrite
from datetime import timedelta

from kaapana.blueprints.kaapana_global_variables import DEFAULT_REGISTRY, KAAPANA_BUILD_VERSION
from kaapana.operators.KaapanaBaseOperator import KaapanaBaseOperator


class TrainingOperator(KaapanaBaseOperator):
    """Trains the site's classifier; reads labels from OpenSearch ({"network-access": "opensearch"})."""

    def __init__(self, dag, name="site-training", env_vars=None, execution_timeout=timedelta(hours=12), **kwargs):
        super().__init__(
            dag=dag,
            name=name,
            image=f"{DEFAULT_REGISTRY}/site-classifier-training:{KAAPANA_BUILD_VERSION}",
            image_pull_secrets=["registry-secret"],
            env_vars=env_vars or {},
            execution_timeout=execution_timeout,
            gpu_mem_mb=11000,
            ram_mem_mb=16000,
            labels={
                'network-access':  # expect: kaapana.network-access-label=rewrite
                    'opensearch',
                "kaapana.io/site": "training",
            },
            **kwargs,
        )


class TrainingExportOperator(KaapanaBaseOperator):
    """Sends finished models to the PACS and reads from OpenSearch."""

    def __init__(self, dag, **kwargs):
        if not kwargs.get("labels"):  # a .get of another key
            kwargs["labels"] = {}
        kwargs["labels"]["network-access"] = "ctp"  # expect: kaapana.network-access-label=rewrite
        kwargs["labels"].update({"network-access": "external-ips"})  # expect: kaapana.network-access-label=rewrite
        already = {"network-access-opensearch": "true"}  # the 0.5 form is no hit
        kwargs["labels"].update(already)
        super().__init__(dag=dag, name="site-training-export", image="registry.example.org/site/export:2.0", **kwargs)


def corpus_check():
    class Dag:
        pass
    op = TrainingOperator(Dag())
    assert op.labels == {"network-access-opensearch": "true", "kaapana.io/site": "training"}
    exp = TrainingExportOperator(Dag())
    assert exp.labels["network-access-ctp"] == "true" and exp.labels["network-access-external-ips"] == "true"
    assert "network-access" not in exp.labels  # expect: kaapana.network-access-key=manual
