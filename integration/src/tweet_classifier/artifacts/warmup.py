"""TF Serving's SavedModel warmup file: requests replayed at load, so a version's first call is warm.

``assets.extra/tf_serving_warmup_requests`` is a TFRecord file of ``PredictionLog`` protos
(``tensorflow_serving.apis``): ``tensorflow_model_server`` and SageMaker's TF Serving
container run every record against a version before they report it ``AVAILABLE``, and
``tweetclf serve`` replays the same records (:func:`read_warmup`) before it serves a version.

The records are encoded here with protobuf's wire format (a ``PredictionLog`` holding one
``PredictLog`` holding the ``PredictRequest``), so an export needs no TF Serving package:
SageMaker's training image has none. The tests parse the file with TF Serving's own protos.
Each signature gets a few batch sizes; ``explain``'s are chosen so that both of its ways
to score shortened texts (re-reading them, and word by word) run.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

WARMUP_FILE = Path("assets.extra") / "tf_serving_warmup_requests"
MAX_RECORDS = 1000  # TF Serving reads at most this many warmup records
# team-written tweets of ordinary length (11-17 words): 8 of them give explain over 48 shortened texts
WARMUP_TEXTS = (
    "Forest fire near La Ronge Sask. Canada, residents asked to shelter in place #wildfire",
    "Flood warning for the river valley until Sunday morning, roads closed near the bridge",
    "I love fruits and my new blender is on fire today, best smoothie of the summer",
    "What a goooooaaaaaal!!!!!! the stadium is on fire tonight @user http://t.co/x",
    "13,000 people receive #wildfires evacuation orders in California as the fire spreads",
    "Earthquake shakes the city centre, no injuries reported so far &amp; power is back",
    "my phone battery died in the middle of the storm of emails, total disaster lol",
    "Train derailed outside the station this morning, emergency crews are on the scene now",
)
BATCH_SIZES = {"serving_default": (1, 8, 64), "explain": (1, 8), "oov_share": (1, 8)}


def warmup_batches(signature: str) -> list[list[str]]:
    """The batches of texts the warmup sends to ``signature`` (1 and 8 texts for an unknown one).

    >>> [len(batch) for batch in warmup_batches("serving_default")]
    [1, 8, 64]
    """
    return [
        [WARMUP_TEXTS[i % len(WARMUP_TEXTS)] for i in range(n)] for n in BATCH_SIZES.get(signature, (1, 8))
    ]


def write_warmup(directory: Path, signatures: Iterable[str], input_name: str = "text") -> Path:
    """Write ``directory/assets.extra/tf_serving_warmup_requests`` for ``signatures`` (each
    taking ``input_name``: string ``[None]``); returns the file's path."""
    import tensorflow as tf

    path = directory / WARMUP_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with tf.io.TFRecordWriter(str(path)) as writer:
        for signature in signatures:
            for texts in warmup_batches(signature):
                tensor = tf.make_tensor_proto(texts, dtype=tf.string).SerializeToString()
                writer.write(prediction_log(signature, input_name, tensor))
    return path


def prediction_log(signature: str, input_name: str, tensor: bytes) -> bytes:
    """A serialised ``PredictionLog`` whose ``predict_log.request`` asks ``signature`` with one input.

    >>> from tensorflow_serving.apis import prediction_log_pb2
    >>> log = prediction_log_pb2.PredictionLog.FromString(prediction_log("explain", "text", b""))
    >>> log.predict_log.request.model_spec.signature_name, list(log.predict_log.request.inputs)
    ('explain', ['text'])
    """
    model_spec = _field(3, signature.encode())  # ModelSpec.signature_name (the name is the server's)
    inputs_entry = _field(1, input_name.encode()) + _field(2, tensor)  # map<string, TensorProto> entry
    request = _field(1, model_spec) + _field(2, inputs_entry)  # PredictRequest
    return _field(6, _field(1, request))  # PredictionLog.predict_log -> PredictLog.request


def read_warmup(version_dir: Path) -> list[tuple[str, dict[str, list[str]]]]:
    """``(signature, {input: texts})`` of each warmup record of a version ([] without the file).

    Only ``predict_log`` records with string inputs are ours to replay; others raise ``ValueError``.
    """
    path = version_dir / WARMUP_FILE
    if not path.is_file():
        return []
    import tensorflow as tf
    from tensorflow_serving.apis import prediction_log_pb2

    requests = []
    for record in tf.data.TFRecordDataset(str(path)).take(MAX_RECORDS).as_numpy_iterator():
        log = prediction_log_pb2.PredictionLog.FromString(record)
        if log.WhichOneof("log_type") != "predict_log":
            raise ValueError(f"{path}: only predict_log warmup records are supported")
        request = log.predict_log.request
        inputs = {name: [s.decode("utf-8") for s in t.string_val] for name, t in request.inputs.items()}
        requests.append((request.model_spec.signature_name or "serving_default", inputs))
    return requests


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited protobuf field (wire type 2): key, length, bytes."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)
