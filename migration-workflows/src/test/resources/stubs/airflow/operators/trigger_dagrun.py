from airflow.models.baseoperator import BaseOperator


class TriggerDagRunOperator(BaseOperator):
    def __init__(self, task_id, trigger_dag_id, conf=None, wait_for_completion=False, reset_dag_run=False, **kwargs):
        self.trigger_dag_id = trigger_dag_id
        self.conf = conf
        super().__init__(task_id=task_id, **kwargs)
