# corpus: imports-after-rewrite
from datetime import timedelta

from airflow.models import DAG
from airflow.utils.dates import days_ago
from kaapana.operators.GenerateThumbnailOperator import GenerateThumbnailOperator
from kaapana.operators.GetRefSeriesOperator import GetRefSeriesOperator
from kaapana.operators.KaapanaBaseOperator import KaapanaBaseOperator
from kaapana.operators.LocalGetInputDataOperator import LocalGetInputDataOperator
from kaapana.operators.LocalMinioOperator import LocalMinioOperator
from kaapana.operators.LocalWorkflowCleanerOperator import LocalWorkflowCleanerOperator

args = {
    "ui_visible": False,
    "owner": "site-imaging",
    "start_date": days_ago(0),
    "retries": 0,
    "retry_delay": timedelta(seconds=30),
}

dag = DAG(dag_id="site-seg-thumbnails", default_args=args, schedule_interval=None, concurrency=10)


class OverlayMontageOperator(KaapanaBaseOperator):
    """Builds a montage of overlays; needs the folder of the reference series (ORIG_IMAGE_OPERATOR_DIR)."""

    def __init__(self, dag, ref_operator, env_vars=None, **kwargs):
        env_vars = env_vars or {}
        env_vars.update(
            {
                'ORIG_IMAGE_OPERATOR_DIR': str(ref_operator.operator_out_dir),  # expect: kaapana.thumbnail-env=rewrite
                "ORIG_IMAGE_OPERATOR_DIR_OLD": "unused",
            }
        )
        super().__init__(
            dag=dag,
            name="overlay-montage",
            image="registry.example.org/site/overlay-montage:1.4.0",
            env_vars=env_vars,
            execution_timeout=timedelta(minutes=20),
            **kwargs,
        )


def corpus_check():
    assert montage.env_vars["GET_REF_SERIES_OPERATOR_DIR"] == str(get_ref.operator_out_dir)
    assert thumbnail.get_ref_series_operator is get_ref


get_input = LocalGetInputDataOperator(dag=dag, check_modality=True)
get_ref = GetRefSeriesOperator(dag=dag, input_operator=get_input, search_policy="reference_uid")
thumbnail = GenerateThumbnailOperator(
    dag=dag,
    input_operator=get_input,
    orig_image_operator=get_ref,  # expect: kaapana.thumbnail-operator-argument=rewrite
)
montage = OverlayMontageOperator(dag=dag, ref_operator=get_ref, input_operator=get_input)
put_to_minio = LocalMinioOperator(dag=dag, action="put", action_operators=[thumbnail], file_white_tuples=(".png",))
clean = LocalWorkflowCleanerOperator(dag=dag, clean_workflow_dir=True)

get_input >> get_ref >> thumbnail >> montage >> put_to_minio >> clean
