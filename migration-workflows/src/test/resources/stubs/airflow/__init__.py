from airflow.models import DAG  # noqa: F401
