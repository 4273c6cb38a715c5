"""Write an export with the project's TensorFlow and what it answers (tox env serving-compat).

Run: python write_export.py DIR   (in a venv with the project installed: its own TensorFlow)

Trains a small model on the sample tweets (the test's fast settings), exports DIR/1 as
``tweetclf train`` does, and writes DIR/answers.json: each signature's outputs for a fixed set
of texts, computed by the writer's TensorFlow from the loaded SavedModel.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

TEXTS = [
    "Forest fire near La Ronge Sask. Canada",
    "13,000 people receive #wildfires evacuation orders in California",
    "I love fruits and my new blender is on fire today",
    "What a goooooaaaaaal!!!!!!",
    "",
    "@user http://t.co/abc \U0001f525\U0001f525 flood warning",
    "x " * 300,
]


def plain(value: Any) -> Any:
    """A tensor's ``tolist()`` with its bytes decoded: JSON-ready."""
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def main(directory: Path) -> None:
    import tensorflow as tf

    from glove_lookup import WordVectors
    from tweet_classifier import TrainConfig, read_tweets, sample_csv, train

    config = TrainConfig(epochs=2, batch_size=16, vocab_top_n=2000, sequence_length=20, lstm_seeds=1)
    result = train(
        read_tweets(sample_csv(), labelled=True), WordVectors.load("glove-6b-50d"), directory, config
    )
    from sagemaker_launcher.images import NEWEST_CHECKED_WRITER

    loaded = tf.saved_model.load(str(result.version_dir))
    answers: dict[str, object] = {
        "texts": TEXTS,
        "tensorflow": tf.__version__,
        "version": result.version_dir.name,
        "newest_checked_writer": NEWEST_CHECKED_WRITER,  # what deploy assumes this check covered
    }
    for name, signature in loaded.signatures.items():
        outputs = signature(text=tf.constant(TEXTS))
        answers[name] = {key: plain(value.numpy().tolist()) for key, value in outputs.items()}
    (directory / "answers.json").write_text(json.dumps(answers), encoding="utf-8")
    print(f"wrote {result.version_dir} and {directory / 'answers.json'} with TensorFlow {tf.__version__}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
