from airflow.models.baseoperator import BaseOperator
from kaapana.blueprints.kaapana_global_variables import DEFAULT_REGISTRY, KAAPANA_BUILD_VERSION  # noqa: F401


class KaapanaBaseOperator(BaseOperator):
    """0.5 signature: display_name is new; labels, env_vars and the memory settings as before."""

    def __init__(self, dag, name=None, task_id=None, image=None, env_vars=None, image_pull_secrets=None,
                 execution_timeout=None, ram_mem_mb=500, ram_mem_mb_lmt=None, gpu_mem_mb=None, labels=None,
                 input_operator=None, operator_in_dir=None, operator_out_dir=None, batch_name=None,
                 display_name="-", cmds=None, arguments=None, **kwargs):
        self.name = name or type(self).__name__.lower()
        self.image = image
        self.env_vars = dict(env_vars or {})
        self.labels = dict(labels or {})
        self.ram_mem_mb = ram_mem_mb
        self.ram_mem_mb_lmt = ram_mem_mb_lmt
        self.display_name = display_name
        self.input_operator = input_operator
        self.operator_in_dir = operator_in_dir or (input_operator.operator_out_dir if input_operator else None)
        self.operator_out_dir = operator_out_dir or self.name
        super().__init__(task_id=task_id or self.name, dag=dag, execution_timeout=execution_timeout, **kwargs)
