# corpus: compiles-after-rewrite
# HelperMinio used in ways that need a person: a module alias, another identity, an annotation, its methods.
from airflow.models import DAG
from airflow.utils.dates import days_ago
import kaapana.operators.HelperMinio as hm
from kaapana.operators.HelperMinio import HelperMinio  # expect: kaapana.helper-minio=manual
from kaapana.operators.KaapanaPythonBaseOperator import KaapanaPythonBaseOperator

dag = DAG(dag_id="site-archive-to-minio", default_args={"owner": "site", "start_date": days_ago(0)}, schedule_interval=None)


def archive(**kwargs):
    system_client = hm.HelperMinio(username="system")  # expect: kaapana.helper-minio=manual
    user_client: HelperMinio = HelperMinio(dag_run=kwargs["dag_run"])  # expect: kaapana.helper-minio=manual, kaapana.helper-minio=manual
    user_client.put_file("site-archive", "index.json", "/tmp/index.json")
    system_client.apply_action_to_object_names(action="put", bucket_name="site-archive", local_root_dir="/tmp/out")
    helper_name = "HelperMinio"  # a string is no use
    return helper_name


archive_task = KaapanaPythonBaseOperator(dag=dag, name="archive", python_callable=archive)
