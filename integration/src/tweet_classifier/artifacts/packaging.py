"""``model.tar.gz`` for SageMaker from an exported version (no TensorFlow needed: files only)."""

from __future__ import annotations

import tarfile
from pathlib import Path

from tweet_classifier.artifacts.versions import METADATA_FILE, resolve_version
from tweet_classifier.artifacts.warmup import WARMUP_FILE
from tweet_classifier.atomic_write import write_atomically

SAVED_MODEL_PARTS = ("saved_model.pb", "variables", "assets", "fingerprint.pb")


def package_model(model: str | Path, out: str | Path) -> Path:
    """Write ``model.tar.gz`` with ``1/saved_model.pb`` at its root (SageMaker's TF Serving layout)."""
    version_dir = resolve_version(model)
    target = Path(out)

    def write(tmp: Path) -> None:
        with tarfile.open(tmp, "w:gz") as archive:
            for part in SAVED_MODEL_PARTS:
                if (version_dir / part).exists():
                    archive.add(version_dir / part, arcname=f"1/{part}")
            # the warmup file: SageMaker's TF Serving container warms the model from it at load
            for extra in (METADATA_FILE, WARMUP_FILE):
                if (version_dir / extra).exists():
                    archive.add(version_dir / extra, arcname=f"1/{extra}")

    write_atomically(target, write)
    return target
