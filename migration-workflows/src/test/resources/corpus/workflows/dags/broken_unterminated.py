# corpus: unparsable
"""Half-edited DAG: the docstring never ends.

from airflow.models import DAG

dag = DAG(dag_id="site-half-edited", schedule_interval=None)
conf = {"form_data": {}}
