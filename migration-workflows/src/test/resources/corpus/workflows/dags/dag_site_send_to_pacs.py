# corpus: compiles-after-rewrite
from airflow.models import DAG
from airflow.utils.dates import days_ago
from kaapana.operators.DcmSendOperator import DcmSendOperator
from kaapana.operators.LocalGetInputDataOperator import LocalGetInputDataOperator
from kaapana.operators.LocalWorkflowCleanerOperator import LocalWorkflowCleanerOperator

dag = DAG(
    dag_id="site-send-to-research-pacs",
    default_args={"owner": "site-imaging", "start_date": days_ago(0), "ui_visible": True},
    schedule_interval=None,
)

get_input = LocalGetInputDataOperator(dag=dag)
# Large multi-frame studies: 0.4 needed more memory for dcmsend
send_research = DcmSendOperator(  # expect: kaapana.dcmsend-memory-defaults=manual
    dag=dag,
    name="send-research-pacs",
    ae_title="SITE-RESEARCH",
    pacs_host="research-pacs.example.org",
    pacs_port=11112,
    ram_mem_mb=2000,  # expect: kaapana.dcmsend-memory-arguments=manual
    ram_mem_mb_lmt=6000,  # expect: kaapana.dcmsend-memory-arguments=manual
)
send_archive = DcmSendOperator(dag=dag, name="send-archive", ae_title="ARCHIVE", level="batch")  # expect: kaapana.dcmsend-memory-defaults=manual
budget = {"ram_mem_mb": 2000}  # a dictionary key is no keyword argument
clean = LocalWorkflowCleanerOperator(dag=dag, clean_workflow_dir=True)

get_input >> [send_research, send_archive] >> clean
