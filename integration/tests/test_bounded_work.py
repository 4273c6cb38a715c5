"""Model calls on long batches run in chunks of bounded text, with the answers of one call."""

from __future__ import annotations

import numpy as np
import pytest

from tweet_classifier import read_tweets, sample_csv
from tweet_classifier.artifacts import exported_model
from tweet_classifier.artifacts.exported_model import load_signatures, text_chunks


def test_chunked_calls_answer_as_one_call(trained, monkeypatch: pytest.MonkeyPatch) -> None:
    signatures = load_signatures(trained[0].version_dir)
    assert {"serving_default", "oov_share"} <= signatures.per_text and "explain" not in signatures.per_text
    texts = [*read_tweets(sample_csv(), labelled=True).texts, "", "\U0001f525 " * 300]
    whole = {name: signatures.call(texts, name) for name in ("serving_default", "oov_share")}
    monkeypatch.setattr(exported_model, "CHUNK_TEXT_BYTES", 300)  # a chunk of a few tweets
    assert len(text_chunks(texts, 300)) > 10
    for name, expected in whole.items():
        chunked = signatures.call(texts, name)
        assert chunked.keys() == expected.keys()
        for key, value in expected.items():
            np.testing.assert_allclose(chunked[key], value, atol=1e-6, err_msg=f"{name}.{key}")


def test_chunks_keep_order_and_bound_each_run() -> None:
    texts = [f"tweet {i} " + "é" * (i % 37) for i in range(500)]
    chunks = text_chunks(texts, 200)
    assert [t for chunk in chunks for t in chunk] == texts
    assert all(sum(len(t.encode()) for t in chunk) <= 200 or len(chunk) == 1 for chunk in chunks)
    assert text_chunks(["x" * 1000], 10) == [["x" * 1000]]  # a text longer than a chunk goes alone
