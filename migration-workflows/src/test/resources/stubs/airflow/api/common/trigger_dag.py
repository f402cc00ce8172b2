class DagRun:
    def __init__(self, dag_id, run_id, conf):
        self.dag_id = dag_id
        self.run_id = run_id
        self.conf = conf


def trigger_dag(dag_id, run_id=None, conf=None, execution_date=None, replace_microseconds=True):
    return DagRun(dag_id, run_id, dict(conf or {}))
