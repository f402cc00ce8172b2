# corpus: imports-after-rewrite
from airflow.models import DAG
from airflow.utils.dates import days_ago
from kaapana.operators.LocalGetInputDataOperator import LocalGetInputDataOperator
from kaapana.operators.LocalWorkflowCleanerOperator import LocalWorkflowCleanerOperator
from site_training.TrainingOperator import TrainingExportOperator, TrainingOperator

dag = DAG(
    dag_id="site-classifier-training",
    default_args={"owner": "site-imaging", "start_date": days_ago(0), "ui_visible": True},
    schedule_interval=None,
)

get_input = LocalGetInputDataOperator(dag=dag, parallel_downloads=3)
train = TrainingOperator(dag=dag, input_operator=get_input)
export = TrainingExportOperator(dag=dag, input_operator=train)
labels_mention = "set {'network-access': 'opensearch'} on the pod"  # a longer string is no dict entry
clean = LocalWorkflowCleanerOperator(dag=dag, clean_workflow_dir=True)

get_input >> train >> export >> clean
