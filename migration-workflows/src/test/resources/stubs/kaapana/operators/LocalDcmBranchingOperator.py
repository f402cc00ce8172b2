from kaapana.operators.KaapanaPythonBaseOperator import KaapanaPythonBaseOperator


class LocalDcmBranchingOperator(KaapanaPythonBaseOperator):
    def __init__(self, dag, condition, branch_true_operator, branch_false_operator, name="branch-on-condition", **kwargs):
        self.condition = condition
        super().__init__(dag=dag, name=name, python_callable=lambda **kw: None, ram_mem_mb=10, **kwargs)
