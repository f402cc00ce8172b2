# corpus: imports-after-rewrite
"""Re-imports zip uploads every night.

Triggers import-dicoms-in-zip-to-internal-pacs; the mention here is documentation, not code.
"""
from airflow.api.common.trigger_dag import trigger_dag as trigger
from airflow.models import DAG
from airflow.operators.python import PythonOperator
from airflow.utils.dates import days_ago

ALLOWED_IMPORTS = [
    "import-dicoms-in-zip-to-internal-pacs",  # expect: kaapana.renamed-dag-id=rewrite
    'convert-nifitis-to-dicoms-and-import-to-pacs',  # expect: kaapana.renamed-dag-id=rewrite
    "import-dicoms-from-data-upload",
]
STATUS_URL = "/flow/kaapana/api/getdagruns?dag_id=import-dicoms-in-zip-to-internal-pacs"  # expect: kaapana.renamed-dag-mention=manual

dag = DAG(
    dag_id="site-nightly-zip-import",
    default_args={"owner": "site", "start_date": days_ago(0)},
    schedule_interval="@daily",
)


def trigger_zip_import(**kwargs):
    conf = {
        "form_data": {"delete_original_file": True, "import_filename": kwargs.get("zip", "nightly.zip")},  # expect: kaapana.form-data-key=rewrite
        "data_form": {},
    }
    return trigger(
        dag_id="import-dicoms-in-zip-to-internal-pacs",  # expect: kaapana.renamed-dag-id=rewrite
        run_id="nightly-" + kwargs.get("ds", "manual"),
        conf=conf,
        replace_microseconds=False,
    )


def corpus_check():
    run = trigger_zip_import(zip="a.zip", ds="2025-01-01")
    assert run.dag_id == "import-dicoms-from-data-upload"
    assert run.conf["workflow_form"]["import_filename"] == "a.zip"
    assert ALLOWED_IMPORTS[:2] == ["import-dicoms-from-data-upload", "import-niftis-from-data-upload"]


nightly = PythonOperator(task_id="trigger-zip-import", python_callable=trigger_zip_import, dag=dag)
