# corpus: imports-after-rewrite
import smtplib  # expect: kaapana.new-notify-operator=manual
from email.message import EmailMessage
from pathlib import Path

import pydicom
from airflow.models import DAG
from airflow.operators.python import BranchPythonOperator
from airflow.utils.dates import days_ago
from kaapana.operators.KaapanaPythonBaseOperator import KaapanaPythonBaseOperator

dag = DAG(dag_id="site-qa-notify", default_args={"owner": "site", "start_date": days_ago(0)}, schedule_interval=None)


class MailNotifyOperator(KaapanaPythonBaseOperator):  # expect: kaapana.new-notify-operator=manual
    """Mails the QA team when a batch is through."""

    def __init__(self, dag, recipients, display_name="QA mail", **kwargs):  # expect: kaapana.display-name=manual
        self.recipients = recipients
        super().__init__(dag=dag, name="qa-mail", python_callable=self.send, **kwargs)

    def send(self, **kwargs):
        msg = EmailMessage()
        msg["Subject"] = "QA batch done"
        msg["To"] = ", ".join(self.recipients)
        with smtplib.SMTP("smtp.example.org") as smtp:  # expect: kaapana.new-notify-operator=manual
            smtp.send_message(msg)


def strip_study_tags(path):
    ds = pydicom.dcmread(path)
    del ds.ClinicalTrialProtocolID  # expect: kaapana.new-remove-dicom-tags-operator=manual
    if (0x0012, 0x0010) in ds:  # expect: kaapana.new-remove-dicom-tags-operator=manual
        del ds[0x0012, 0x0010]  # expect: kaapana.new-remove-dicom-tags-operator=manual
    ds.save_as(path)


def choose_branch(**kwargs):
    files = sorted(Path(kwargs.get("batch_dir", "/tmp")).glob("*.dcm"))
    return "qa-mail" if files else "skip"


def corpus_check():
    assert choose_branch(batch_dir="/nonexistent") == "skip"


branch = BranchPythonOperator(task_id="has-files", python_callable=choose_branch, dag=dag)  # expect: kaapana.new-dcm-branching-operator=manual
mail = MailNotifyOperator(dag=dag, recipients=["qa@example.org"])
branch >> mail
