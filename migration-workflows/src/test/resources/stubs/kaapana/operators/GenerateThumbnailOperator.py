from kaapana.operators.KaapanaBaseOperator import DEFAULT_REGISTRY, KAAPANA_BUILD_VERSION, KaapanaBaseOperator


class GenerateThumbnailOperator(KaapanaBaseOperator):
    """0.5: the reference series operator is get_ref_series_operator; its folder goes to GET_REF_SERIES_OPERATOR_DIR."""

    def __init__(self, dag, get_ref_series_operator, env_vars=None, **kwargs):
        env_vars = dict(env_vars or {})
        env_vars["GET_REF_SERIES_OPERATOR_DIR"] = str(get_ref_series_operator.operator_out_dir)
        self.get_ref_series_operator = get_ref_series_operator
        super().__init__(dag=dag, image=f"{DEFAULT_REGISTRY}/thumbnail-generator:{KAAPANA_BUILD_VERSION}",
                         env_vars=env_vars, ram_mem_mb=4000, ram_mem_mb_lmt=12000, **kwargs)
