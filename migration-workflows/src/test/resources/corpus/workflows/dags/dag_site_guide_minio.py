# corpus: imports-after-rewrite
# The migration guide's spelling of the deprecated helper.
from airflow.models import DAG
from airflow.utils.dates import days_ago
from kaapana.operators.KaapanaPythonBaseOperator import KaapanaPythonBaseOperator
from kaapanapy.helper.get_minio_client import (  # expect: kaapana.helper-minio-kaapanapy=rewrite
    HelperMinio,
)

dag = DAG(dag_id="site-bucket-report", default_args={"owner": "site", "start_date": days_ago(0)}, schedule_interval=None)


def list_buckets(**kwargs):
    client = HelperMinio()  # expect: kaapana.helper-minio-kaapanapy=rewrite
    return [b.name for b in client.list_buckets()]


def corpus_check():
    assert list_buckets() == []


report = KaapanaPythonBaseOperator(dag=dag, name="bucket-report", python_callable=list_buckets)
