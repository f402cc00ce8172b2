from airflow.models.baseoperator import BaseOperator


class PythonOperator(BaseOperator):
    def __init__(self, task_id, python_callable, op_kwargs=None, provide_context=None, **kwargs):
        if not callable(python_callable):
            raise TypeError("python_callable must be callable")
        self.python_callable = python_callable
        super().__init__(task_id=task_id, **kwargs)


class BranchPythonOperator(PythonOperator):
    pass
