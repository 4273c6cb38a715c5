"""Model versions under a base path, loaded the way TF Serving does: the highest numeric one."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tweet_classifier.artifacts.exported_model import Signatures, load_signatures
from tweet_classifier.artifacts.versions import complete_versions
from tweet_classifier.artifacts.warmup import read_warmup
from tweet_classifier.server.errors import ModelNotFoundError, NoVersionLoadedError

log = logging.getLogger("tweetclf.serve")


@dataclass
class LoadedVersion:
    """One loaded SavedModel version and its signatures (each with a single string input)."""

    version: int
    path: Path
    loaded: Signatures

    @property
    def signatures(self) -> dict[str, Any]:
        return self.loaded.functions

    @property
    def serving_input(self) -> str:
        """The input name of ``serving_default`` (``text`` for our exports)."""
        return self.loaded.inputs["serving_default"]

    def predict(self, texts: list[str], signature: str = "serving_default") -> dict[str, np.ndarray]:
        return self.loaded.call(texts, signature)

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


def load_version(base: Path, version: int, *, warmup: bool = True) -> LoadedVersion:
    """Load ``base/<version>`` and (with ``warmup``) replay its warmup records, as TF Serving
    does before it reports a version ``AVAILABLE``; a record that fails fails the load."""
    path = base / str(version)
    loaded = LoadedVersion(version, path, load_signatures(path))
    if not warmup:
        return loaded
    started = time.perf_counter()
    records = read_warmup(path)
    for signature, inputs in records:
        if signature not in loaded.signatures or list(inputs) != [loaded.loaded.inputs[signature]]:
            raise ValueError(f"{path}: a warmup record asks {signature!r} with inputs {list(inputs)}")
        loaded.predict(next(iter(inputs.values())), signature)
    if records:
        log.info(
            "version %s warmed with %d requests in %.1f s",
            version,
            len(records),
            time.perf_counter() - started,
        )
    return loaded


class ModelStore:
    """Serves the highest complete version; loads newer ones as they appear; pinned versions on demand.

    With ``only_version``, that version alone (``tweetclf serve --model base/<N>``); without
    ``warmup``, versions load without replaying their warmup records.
    """

    def __init__(
        self, base: Path, name: str, only_version: int | None = None, *, warmup: bool = True
    ) -> None:
        self.base = base
        self.warmup = warmup
        self.name = name
        self.only_version = only_version  # serve this version alone (a version dir was given)
        self._lock = threading.Lock()
        self._loaded: dict[int, LoadedVersion] = {}
        self._failed: dict[int, str] = {}
        self.latest: LoadedVersion | None = None

    def refresh(self) -> LoadedVersion | None:
        """Load the highest complete version newer than the one served (blocking); a version that
        fails to load is remembered and the next lower one is tried."""
        candidates = [
            v
            for v in complete_versions(self.base)
            if v not in self._failed and self.only_version in (None, v)
        ]
        for version in reversed(candidates):
            if self.latest is not None and version <= self.latest.version:
                return None
            try:
                loaded = load_version(self.base, version, warmup=self.warmup)
            except Exception as err:  # a broken version must not take the server down
                self._failed[version] = f"{type(err).__name__}: {err}"
                log.error("version %s of %s failed to load: %s", version, self.name, self._failed[version])
                continue
            with self._lock:
                self._loaded[version] = loaded
                previous, self.latest = self.latest, loaded
                if previous is not None:  # like TF Serving's default policy: keep only the latest loaded
                    self._loaded.pop(previous.version, None)
            log.info("serving %s version %s from %s", self.name, version, loaded.path)
            return loaded
        return None

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
        if version in self._failed:
            raise ModelNotFoundError(
                f"version {version} of model {name} failed to load: {self._failed[version]}"
            )
        if not self._servable(version):
            raise ModelNotFoundError(f"Servable not found for request: Specific({name}, {version})")
        try:
            loaded = load_version(self.base, version, warmup=self.warmup)
        except Exception as err:  # a broken pinned version: remembered, reported, never a 500
            self._failed[version] = f"{type(err).__name__}: {err}"
            log.error("version %s of %s failed to load: %s", version, self.name, self._failed[version])
            raise ModelNotFoundError(
                f"version {version} of model {name} failed to load: {self._failed[version]}"
            ) from None
        with self._lock:
            return self._loaded.setdefault(version, loaded)

    def _servable(self, version: int) -> bool:
        return self.only_version in (None, version) and version in complete_versions(self.base)

    def status(self, name: str, version: int | None = None) -> list[dict[str, Any]]:
        """``model_version_status`` entries as TF Serving reports them."""
        if name != self.name:
            raise ModelNotFoundError(f"Could not find any versions of model {name}")
        ok = {"error_code": "OK", "error_message": ""}
        if version is not None:
            with self._lock:
                present = version in self._loaded
            if version in self._failed:  # TF Serving's way: END, with the load error as the status
                failed = {"error_code": "UNKNOWN", "error_message": self._failed[version]}
                return [{"version": str(version), "state": "END", "status": failed}]
            if not present and not self._servable(version):
                raise ModelNotFoundError(f"Could not find version {version} of model {name}")
            state = "AVAILABLE" if present else "END"
            return [{"version": str(version), "state": state, "status": ok}]
        if self.latest is None:
            return []
        return [{"version": str(self.latest.version), "state": "AVAILABLE", "status": ok}]
