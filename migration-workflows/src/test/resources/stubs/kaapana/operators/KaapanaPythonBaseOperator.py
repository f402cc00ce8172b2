from kaapana.operators.KaapanaBaseOperator import KaapanaBaseOperator


class KaapanaPythonBaseOperator(KaapanaBaseOperator):
    def __init__(self, dag, name, python_callable, **kwargs):
        if not callable(python_callable):
            raise TypeError("python_callable must be callable")
        self.python_callable = python_callable
        super().__init__(dag=dag, name=name, **kwargs)
