# corpus: imports-after-rewrite
"""Processing-container script: overlays a segmentation on its reference series (mounted into the container)."""
import os
from pathlib import Path

WORKFLOW_DIR = os.environ.get("WORKFLOW_DIR", "/kaapana/mounted/data")
BATCH_NAME = os.environ.get("BATCH_NAME", "batch")


def reference_dir(batch_element: Path) -> Path:
    ref = os.getenv("ORIG_IMAGE_OPERATOR_DIR")  # expect: kaapana.thumbnail-env=rewrite
    if ref is None:
        raise SystemExit("ORIG_IMAGE_OPERATOR_DIR is not set")  # a message is no variable name
    return batch_element / ref


def main():
    out_dir = os.environ['ORIG_IMAGE_OPERATOR_DIR']  # expect: kaapana.thumbnail-env=rewrite
    return sorted(Path(WORKFLOW_DIR, BATCH_NAME).glob("*")), out_dir


def corpus_check():
    os.environ["GET_REF_SERIES_OPERATOR_DIR"] = "get-ref-series"
    assert reference_dir(Path("/b")) == Path("/b/get-ref-series")


if __name__ == "__main__":
    main()
