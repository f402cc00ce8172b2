# corpus: imports-after-rewrite
"""Site DAG: takes NIfTI uploads from the lab share and hands them to Kaapana's import DAG.

The Kaapana import DAG reads its options from conf["form_data"] in 0.4; this docstring mentions
form_data and convert-nifitis-to-dicoms-and-import-to-pacs on purpose: docstrings are no code.
"""
from datetime import timedelta

from airflow.models import DAG
from airflow.operators.python import PythonOperator
from airflow.operators.trigger_dagrun import TriggerDagRunOperator
from airflow.utils.dates import days_ago
from airflow.utils.log.logging_mixin import LoggingMixin
from kaapana.operators.LocalGetInputDataOperator import LocalGetInputDataOperator
from kaapana.operators.LocalWorkflowCleanerOperator import LocalWorkflowCleanerOperator

log = LoggingMixin().log

ui_forms = {
    "workflow_form": {
        "type": "object",
        "properties": {
            "lab_share": {
                "title": "Lab share folder",
                "type": "string",
                "default": "/mnt/lab-share/nifti",
                "required": True,
            },
            "aetitle": {"title": "Dataset tag", "type": "string", "default": "lab-nifti"},
        },
    }
}

args = {
    "ui_visible": True,
    "ui_forms": ui_forms,
    "owner": "site-imaging",
    "start_date": days_ago(0),
    "retries": 1,
    "retry_delay": timedelta(seconds=60),
}

dag = DAG(
    dag_id="site-nifti-upload",
    default_args=args,
    concurrency=4,
    max_active_runs=2,
    schedule_interval=None,
    tags=["site", "import"],
)


def collect_uploads(**kwargs):
    conf = kwargs["dag_run"].conf
    # form_data is where 0.4 put the form; a comment is no code either
    form = conf.get('form_data', {})  # expect: kaapana.form-data-key=rewrite
    form_data = dict(form)  # a variable named form_data is fine
    workflow_form_data = form_data.get("lab_share")
    log.info(f"lab share from the form: {conf['form_data'].get('lab_share')}")  # expect: kaapana.form-data-key=rewrite
    log.info("form_data_backup is another key: %s", conf.get("form_data_backup"))
    if "form_data" in conf and conf["form_data"] is not None:  # expect: kaapana.form-data-key=rewrite, kaapana.form-data-key=rewrite
        log.info("aetitle %s", conf["form_data"]["aetitle"])  # expect: kaapana.form-data-key=rewrite
    return workflow_form_data


def build_import_conf(context, dag_run_obj):
    dag_run_obj.payload = {
        "form_data": {  # expect: kaapana.form-data-key=rewrite
            "aetitle": "lab-nifti",
        },
        "data_form": {},
    }
    return dag_run_obj


def corpus_check():
    """Called by the import test: the rewritten code reads the 0.5 form."""
    class Run:
        conf = {"workflow_form": {"lab_share": "/mnt/x", "aetitle": "lab"}}
    assert collect_uploads(dag_run=Run()) == "/mnt/x", "the rewritten DAG must read workflow_form"
    assert trigger_import.trigger_dag_id == "import-niftis-from-data-upload"


get_input = LocalGetInputDataOperator(dag=dag)
collect = PythonOperator(task_id="collect-uploads", python_callable=collect_uploads, dag=dag)
trigger_import = TriggerDagRunOperator(
    task_id="trigger-nifti-import",
    trigger_dag_id="convert-nifitis-to-dicoms-and-import-to-pacs",  # expect: kaapana.renamed-dag-id=rewrite
    dag=dag,
)
clean = LocalWorkflowCleanerOperator(dag=dag, clean_workflow_dir=True)

get_input >> collect >> trigger_import >> clean
