from kaapana.operators.KaapanaPythonBaseOperator import KaapanaPythonBaseOperator


class LocalGetInputDataOperator(KaapanaPythonBaseOperator):
    def __init__(self, dag, name="get-input-data", data_type="dicom", check_modality=False, parallel_downloads=3,
                 include_custom_tag_property="", exclude_custom_tag_property="", **kwargs):
        self.data_type = data_type
        super().__init__(dag=dag, name=name, python_callable=lambda **kw: None, **kwargs)
