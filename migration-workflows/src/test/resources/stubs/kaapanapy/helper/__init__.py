"""0.5 (and 0.4): get_minio_client is a function of kaapanapy.helper; there is no get_minio_client module."""


class Minio:
    def __init__(self, endpoint, access_key=None, secret_key=None, session_token=None, secure=False):
        self.endpoint = endpoint

    def list_buckets(self):
        return []

    def fput_object(self, bucket_name, object_name, file_path):
        return None


def get_minio_client(access_token=None):
    return Minio("minio-service.services.svc:9000", secure=False)


def get_opensearch_client(access_token=None):
    return None
