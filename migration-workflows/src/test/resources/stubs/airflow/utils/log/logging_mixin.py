import logging


class LoggingMixin:
    @property
    def log(self):
        return logging.getLogger("airflow.task")
