"""Model versions under a base path, loaded the way TF Serving does: the highest numeric one."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger("tweetclf.serve")


class ModelNotFoundError(LookupError):
    """Unknown model name or version (HTTP 404)."""


class NoVersionLoadedError(RuntimeError):
    """No version is available yet (HTTP 503)."""


@dataclass
class LoadedVersion:
    """One loaded SavedModel version and its signatures (each with a single string input)."""

    version: int
    path: Path
    signatures: dict[str, Any]
    inputs: dict[str, str] = field(default_factory=dict)  # signature -> its input name
    _keep: Any = None

    def predict(self, texts: list[str], signature: str = "serving_default") -> dict[str, np.ndarray]:
        import tensorflow as tf

        fn = self.signatures[signature]
        outputs = fn(**{self.inputs[signature]: tf.constant(texts, dtype=tf.string)})
        return {name: value.numpy() for name, value in outputs.items()}

    def signature_def(self) -> dict[str, Any]:
        """The signature_def section of TF Serving's metadata response."""
        defs = {}
        for name, fn in self.signatures.items():
            inputs = {
                key: _tensor_info(spec, f"{name}_{key}:0")
                for key, spec in fn.structured_input_signature[1].items()
            }
            outputs = {
                key: _tensor_info(spec, f"StatefulPartitionedCall:{i}")
                for i, (key, spec) in enumerate(sorted(fn.structured_outputs.items()))
            }
            defs[name] = {"inputs": inputs, "outputs": outputs, "method_name": "tensorflow/serving/predict"}
        return {"signature_def": defs}


def _tensor_info(spec: Any, name: str) -> dict[str, Any]:
    dims = [{"size": str(-1 if d is None else d), "name": ""} for d in spec.shape.as_list()]
    return {
        "dtype": "DT_" + spec.dtype.name.upper().replace("FLOAT32", "FLOAT").replace("FLOAT64", "DOUBLE"),
        "tensor_shape": {"dim": dims, "unknown_rank": False},
        "name": name,
    }


def complete_versions(base: Path) -> list[int]:
    """Numeric version dirs that hold a SavedModel with its variables index, ascending."""
    if not base.is_dir():
        return []
    found = []
    for entry in base.iterdir():
        complete = (entry / "saved_model.pb").is_file() and (
            entry / "variables" / "variables.index"
        ).is_file()
        if entry.is_dir() and entry.name.isdigit() and complete:
            found.append(int(entry.name))
    return sorted(found)


def load_version(base: Path, version: int) -> LoadedVersion:
    import tensorflow as tf

    path = base / str(version)
    loaded = tf.saved_model.load(str(path))
    signatures = dict(loaded.signatures)
    inputs = {}
    for name, fn in signatures.items():
        specs = fn.structured_input_signature[1]
        if len(specs) != 1 or next(iter(specs.values())).dtype != tf.string:
            raise ValueError(f"{path}: signature {name!r} must take one string input, takes {list(specs)}")
        inputs[name] = next(iter(specs))
    return LoadedVersion(version, path, signatures, inputs, loaded)


class ModelStore:
    """Serves the highest complete version; loads newer ones as they appear; pinned versions on demand."""

    def __init__(self, base: Path, name: str) -> None:
        self.base = base
        self.name = name
        self._lock = threading.Lock()
        self._loaded: dict[int, LoadedVersion] = {}
        self._failed: dict[int, str] = {}
        self.latest: LoadedVersion | None = None

    def refresh(self) -> LoadedVersion | None:
        """Load the highest complete version if it is newer than the one served (blocking)."""
        candidates = [v for v in complete_versions(self.base) if v not in self._failed]
        if not candidates or (self.latest is not None and candidates[-1] <= self.latest.version):
            return None
        version = candidates[-1]
        try:
            loaded = load_version(self.base, version)
        except Exception as err:  # a broken version must not take the server down
            self._failed[version] = f"{type(err).__name__}: {err}"
            log.error("version %s of %s failed to load: %s", version, self.name, self._failed[version])
            return None
        with self._lock:
            self._loaded[version] = loaded
            previous, self.latest = self.latest, loaded
            if previous is not None:  # like TF Serving's default policy: keep only the latest loaded
                self._loaded.pop(previous.version, None)
        log.info("serving %s version %s from %s", self.name, version, loaded.path)
        return loaded

    def get(self, name: str, version: int | None = None) -> LoadedVersion:
        if name != self.name:
            raise ModelNotFoundError(f"Servable not found for request: Latest({name})")
        if version is None:
            if self.latest is None:
                raise NoVersionLoadedError(
                    f"no version of model {name} is loaded yet (base path {self.base})"
                )
            return self.latest
        with self._lock:
            if version in self._loaded:
                return self._loaded[version]
        if version not in complete_versions(self.base) or version in self._failed:
            raise ModelNotFoundError(f"Servable not found for request: Specific({name}, {version})")
        loaded = load_version(self.base, version)
        with self._lock:
            return self._loaded.setdefault(version, loaded)

    def status(self, name: str, version: int | None = None) -> list[dict[str, Any]]:
        """``model_version_status`` entries as TF Serving reports them."""
        if name != self.name:
            raise ModelNotFoundError(f"Could not find any versions of model {name}")
        ok = {"error_code": "OK", "error_message": ""}
        if version is not None:
            with self._lock:
                present = version in self._loaded
            if not present and version not in complete_versions(self.base):
                raise ModelNotFoundError(f"Could not find version {version} of model {name}")
            state = "AVAILABLE" if present else "END"
            return [{"version": str(version), "state": state, "status": ok}]
        if self.latest is None:
            return []
        return [{"version": str(self.latest.version), "state": "AVAILABLE", "status": ok}]
