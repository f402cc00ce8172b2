from kaapana.operators.KaapanaPythonBaseOperator import KaapanaPythonBaseOperator


class LocalWorkflowCleanerOperator(KaapanaPythonBaseOperator):
    def __init__(self, dag, run_dir=None, clean_workflow_dir=True, **kwargs):
        super().__init__(dag=dag, name="workflow-cleaner", python_callable=lambda **kw: None, **kwargs)
