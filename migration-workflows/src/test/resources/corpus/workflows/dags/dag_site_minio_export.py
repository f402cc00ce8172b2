# corpus: imports-after-rewrite
import json
import os
from datetime import timedelta

from airflow.models import DAG
from airflow.utils.dates import days_ago
from kaapana.operators.HelperMinio import HelperMinio as H  # expect: kaapana.helper-minio=rewrite
from kaapana.operators.KaapanaPythonBaseOperator import KaapanaPythonBaseOperator
from kaapana.operators.LocalGetInputDataOperator import LocalGetInputDataOperator
from kaapana.operators.LocalWorkflowCleanerOperator import LocalWorkflowCleanerOperator

dag = DAG(
    dag_id="site-export-reports",
    default_args={"owner": "site-imaging", "start_date": days_ago(0), "retry_delay": timedelta(seconds=30)},
    schedule_interval=None,
)


def export_reports(ds, **kwargs):
    run_dir = os.path.join("/kaapana/mounted/data", kwargs["dag_run"].run_id)
    minio = H(  # expect: kaapana.helper-minio=rewrite
        dag_run=kwargs["dag_run"]
    )
    for name in sorted(os.listdir(run_dir)) if os.path.isdir(run_dir) else []:
        minio.fput_object("site-reports", f"reports/{name}", os.path.join(run_dir, name))
    return json.dumps({"exported_from": run_dir})


def corpus_check():
    assert get_minio_client().__class__.__name__ == "Minio"


get_input = LocalGetInputDataOperator(dag=dag)
export = KaapanaPythonBaseOperator(dag=dag, name="export-reports", python_callable=export_reports)
clean = LocalWorkflowCleanerOperator(dag=dag, clean_workflow_dir=True)

get_input >> export >> clean
