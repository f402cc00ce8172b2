_ALLOWED = {"owner", "retries", "retry_delay", "execution_timeout", "pool", "priority_weight", "trigger_rule",
            "depends_on_past", "email", "queue", "doc_md", "on_failure_callback", "on_success_callback",
            "start_date", "params", "executor_config"}


class BaseOperator:
    """Airflow 2 refuses keyword arguments it does not know; so does this stub."""

    def __init__(self, task_id, dag=None, **kwargs):
        unknown = sorted(set(kwargs) - _ALLOWED)
        if unknown:
            raise TypeError(f"Invalid arguments were passed to {type(self).__name__} (task_id: {task_id}): {unknown}")
        self.task_id = task_id
        self.dag = dag
        self.downstream = []
        if dag is not None and hasattr(dag, "tasks"):
            dag.tasks.append(self)

    def __rshift__(self, other):
        for o in other if isinstance(other, list) else [other]:
            self.downstream.append(o)
        return other

    def __rrshift__(self, other):
        for o in other if isinstance(other, list) else [other]:
            o.downstream.append(self)
        return self
