from kaapana.operators.KaapanaBaseOperator import KaapanaBaseOperator


class NotifyOperator(KaapanaBaseOperator):
    def __init__(self, dag, name="notify", topic=None, icon=None, link=None, env_vars=None, **kwargs):
        super().__init__(dag=dag, name=name, env_vars=env_vars, **kwargs)
