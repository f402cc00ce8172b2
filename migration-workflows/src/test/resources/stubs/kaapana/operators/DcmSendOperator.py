from kaapana.operators.KaapanaBaseOperator import KaapanaBaseOperator


class DcmSendOperator(KaapanaBaseOperator):
    """0.5: memory is fixed here; passing ram_mem_mb or ram_mem_mb_lmt again raises TypeError."""

    def __init__(self, dag, name="dcmsend", ae_title="NONE", pacs_host="ctp-dicom-service.services.svc",
                 pacs_port="11112", env_vars=None, level="element", **kwargs):
        env_vars = dict(env_vars or {})
        env_vars.update({"PACS_HOST": str(pacs_host), "PACS_PORT": str(pacs_port), "AETITLE": str(ae_title),
                         "LEVEL": str(level)})
        if "labels" not in kwargs or not isinstance(kwargs["labels"], dict):
            kwargs["labels"] = {}
        kwargs["labels"]["network-access-ctp"] = "true"
        super().__init__(dag=dag, name=name, env_vars=env_vars, ram_mem_mb=50, ram_mem_mb_lmt=4000, **kwargs)
