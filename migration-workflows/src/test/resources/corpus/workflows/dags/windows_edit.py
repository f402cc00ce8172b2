# corpus: imports-after-rewrite
# Edited on a Windows workstation: CRLF line endings.
from airflow.models import DAG
from airflow.utils.dates import days_ago

dag = DAG(dag_id="site-windows-edit", default_args={"owner": "site", "start_date": days_ago(0)}, schedule_interval=None)


def series_limit(conf):
    return int(conf["form_data"].get("series_limit", 10))  # expect: kaapana.form-data-key=rewrite


def corpus_check():
    assert series_limit({"workflow_form": {"series_limit": "3"}}) == 3
