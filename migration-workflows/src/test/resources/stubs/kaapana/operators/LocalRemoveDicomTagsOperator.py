from kaapana.operators.KaapanaPythonBaseOperator import KaapanaPythonBaseOperator


class LocalRemoveDicomTagsOperator(KaapanaPythonBaseOperator):
    def __init__(self, dag, **kwargs):
        super().__init__(dag=dag, name="remove-project-and-dataset-tag", python_callable=lambda **kw: None,
                         ram_mem_mb=10, **kwargs)
