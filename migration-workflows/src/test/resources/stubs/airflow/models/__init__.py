from airflow.models.baseoperator import BaseOperator  # noqa: F401


class DAG:
    def __init__(self, dag_id, description=None, schedule_interval=None, schedule=None, start_date=None,
                 default_args=None, concurrency=None, max_active_tasks=None, max_active_runs=None, catchup=False,
                 tags=None, doc_md=None, params=None):
        if not isinstance(dag_id, str) or not dag_id:
            raise ValueError("dag_id must be a non-empty string")
        self.dag_id = dag_id
        self.default_args = dict(default_args or {})
        self.tags = list(tags or [])
        self.tasks = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
