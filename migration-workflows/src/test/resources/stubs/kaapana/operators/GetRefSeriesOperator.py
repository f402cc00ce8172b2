from kaapana.operators.KaapanaPythonBaseOperator import KaapanaPythonBaseOperator


class GetRefSeriesOperator(KaapanaPythonBaseOperator):
    def __init__(self, dag, name="get-ref-series", search_policy="reference_uid", data_type="dicom", **kwargs):
        super().__init__(dag=dag, name=name, python_callable=lambda **kw: None, **kwargs)
