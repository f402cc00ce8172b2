"""0.5: only functions; the HelperMinio class of 0.4 is gone."""


def apply_action_to_file(minio_client, action, bucket_name, object_name, file_path, file_white_tuples=None):
    if action == "put":
        minio_client.fput_object(bucket_name, object_name, file_path)
    elif action == "get":
        minio_client.fget_object(bucket_name, object_name, file_path)
    elif action == "remove":
        minio_client.remove_object(bucket_name, object_name)
    else:
        raise NameError("You need to define an action: get, remove or put!")
