"""Imports one corpus file the way Airflow loads a DAG file (by path, with the DAG and plugin folders on sys.path)
and calls its corpus_check() if it has one. Prints OK on success; any exception fails with a non-zero exit."""
import importlib.util
import sys

path = sys.argv[1]
spec = importlib.util.spec_from_file_location("corpus_module", path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
check = getattr(module, "corpus_check", None)
if check is not None:
    check()
print("OK")
