from kaapana.operators.KaapanaPythonBaseOperator import KaapanaPythonBaseOperator


class LocalMinioOperator(KaapanaPythonBaseOperator):
    def __init__(self, dag, name="minio-actions", action="get", action_operators=None, action_operator_dirs=None,
                 bucket_name=None, file_white_tuples=None, zip_files=False, **kwargs):
        self.action = action
        super().__init__(dag=dag, name=name, python_callable=lambda **kw: None, **kwargs)
