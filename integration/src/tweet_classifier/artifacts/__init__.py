"""What training leaves behind and serving reads: versioned exports, loading one, ``model.tar.gz``.

- :mod:`.versions`: ``<base>/<N>/`` directories written atomically, resolved and checked;
- :mod:`.export`: the SavedModel with its signatures (``serving_default``, ``explain``,
  ``oov_share``) and ``assets.extra/tweetclf.json``;
- :mod:`.chunks`: a large batch scored in chunks the exported graph runs side by side;
- :mod:`.exported_model`: loading a version the way a serving process does;
- :mod:`.packaging`: SageMaker's ``model.tar.gz`` layout;
- :mod:`.warmup`: TF Serving's warmup file (``assets.extra/tf_serving_warmup_requests``).

Public API::

    ExportedModel(path).predict(texts), .explain(texts)
    load_signatures(version_dir) -> Signatures
    resolve_version(path), write_version(base, build), read_metadata(version_dir)
    package_model(model, "model.tar.gz")
    write_warmup(version_dir, signatures), read_warmup(version_dir)

``export.export_serving_model(text_model, threshold, directory, metadata)`` writes a version;
it imports TensorFlow, so it is imported from its module, not from here.
"""

from tweet_classifier.artifacts.exported_model import (
    Explanation,
    ExportedModel,
    Signatures,
    explain_texts,
    load_signatures,
)
from tweet_classifier.artifacts.packaging import package_model
from tweet_classifier.artifacts.versions import (
    METADATA_FILE,
    complete_versions,
    read_metadata,
    resolve_version,
    write_version,
)
from tweet_classifier.artifacts.warmup import WARMUP_FILE, read_warmup, write_warmup

__all__ = [
    "METADATA_FILE",
    "WARMUP_FILE",
    "Explanation",
    "ExportedModel",
    "Signatures",
    "complete_versions",
    "explain_texts",
    "load_signatures",
    "package_model",
    "read_metadata",
    "read_warmup",
    "resolve_version",
    "write_version",
    "write_warmup",
]
