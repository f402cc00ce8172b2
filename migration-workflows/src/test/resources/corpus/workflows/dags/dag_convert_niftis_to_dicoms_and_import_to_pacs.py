# corpus: compiles-after-rewrite
# A site's copy of the 0.4 import DAG, kept under the 0.4 id.
from datetime import timedelta

from airflow.models import DAG
from airflow.utils.dates import days_ago
from kaapana.operators.LocalGetInputDataOperator import LocalGetInputDataOperator
from kaapana.operators.LocalWorkflowCleanerOperator import LocalWorkflowCleanerOperator

args = {
    "ui_visible": True,
    "owner": "kaapana",
    "start_date": days_ago(0),
    "retries": 0,
    "retry_delay": timedelta(seconds=30),
}

dag = DAG(
    dag_id="convert-nifitis-to-dicoms-and-import-to-pacs",  # expect: kaapana.renamed-dag-definition=manual
    default_args=args,
    schedule_interval=None,
    concurrency=10,
    max_active_runs=5,
)

get_input = LocalGetInputDataOperator(dag=dag, data_type="json")
clean = LocalWorkflowCleanerOperator(dag=dag, clean_workflow_dir=True)
get_input >> clean
