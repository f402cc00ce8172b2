# -*- coding: latin-1 -*-
# corpus: imports-after-rewrite
# Grüße an das Radiologie-Team: ältere Datei, in Latin-1 gespeichert.
from airflow.models import DAG
from airflow.utils.dates import days_ago

dag = DAG(dag_id="site-legacy-latin1", default_args={"owner": "müller", "start_date": days_ago(0)}, schedule_interval=None)


def read_form(conf):
    return conf["form_data"].get("körperteil", "unbekannt")  # expect: kaapana.form-data-key=rewrite


def corpus_check():
    assert read_form({"workflow_form": {"körperteil": "Thorax"}}) == "Thorax"
