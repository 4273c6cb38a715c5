"""GloveLookup vs Keras TextVectorization + Embedding holding the same 400k GloVe vocabulary.

Run: .venv/bin/python bench/lookup.py  (make bench). Prints build time, lookup throughput
at batch 256 and exported SavedModel size, with peer/ours ratios.
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from common import table, tweets_csv

from glove_lookup import GloveLookup, WordVectors, export_saved_model, standardize

SEQUENCE_LENGTH = 30
BATCH = 256


def build_peer(wv: WordVectors, standardize: object = "lower_and_strip_punctuation") -> tuple[Any, Any]:
    vectorizer = keras.layers.TextVectorization(
        standardize=standardize,
        output_sequence_length=SEQUENCE_LENGTH,
        vocabulary=wv.words,
    )
    # TextVectorization ids: 0 padding, 1 [UNK], 2.. the vocabulary (same layout as ours).
    matrix = np.concatenate([np.zeros((2, wv.dim), np.float32), wv.matrix])
    embedding = keras.layers.Embedding(len(wv) + 2, wv.dim, mask_zero=True, trainable=False)
    embedding.build((None, SEQUENCE_LENGTH))
    embedding.set_weights([matrix])
    return vectorizer, embedding


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def throughput(fn: tf.types.experimental.GenericFunction, texts: list[str]) -> float:
    batches = [tf.constant(texts[i : i + BATCH]) for i in range(0, len(texts) - BATCH + 1, BATCH)]
    fn(batches[0])  # trace
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for batch in batches:
            fn(batch).numpy()
        best = min(best, time.perf_counter() - start)
    return len(batches) * BATCH / best


def main() -> None:
    wv = WordVectors.load("glove-6b-50d")
    with tweets_csv().open(newline="", encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    texts = (texts * (4096 // len(texts) + 1))[:4096]

    GloveLookup(wv.restrict(top_n=10), sequence_length=SEQUENCE_LENGTH)  # warm TF up
    start = time.perf_counter()
    ours = GloveLookup(wv, sequence_length=SEQUENCE_LENGTH)
    ours_build = time.perf_counter() - start
    start = time.perf_counter()
    vectorizer, embedding = build_peer(wv)
    peer_build = time.perf_counter() - start

    ours_fn = tf.function(lambda t: ours(t))
    peer_fn = tf.function(lambda t: embedding(vectorizer(t)))
    ours_tput = throughput(ours_fn, texts)
    peer_tput = throughput(peer_fn, texts)
    # The same peer given our tweet standardisation: compares the lookup machinery alone.
    same_vectorizer, same_embedding = build_peer(wv, standardize=lambda t: standardize(t, "tweet"))
    same_tput = throughput(tf.function(lambda t: same_embedding(same_vectorizer(t))), texts)

    text = keras.Input(shape=(), dtype="string")
    ours_model = keras.Model(text, keras.layers.GlobalAveragePooling1D()(ours(text)))
    peer_model = keras.Sequential(
        [keras.Input(shape=(), dtype="string"), vectorizer, embedding, keras.layers.GlobalAveragePooling1D()]
    )
    raw = wv.matrix.nbytes + sum(len(w.encode("utf-8")) + 1 for w in wv.words)
    workdir = Path(tempfile.mkdtemp(prefix="bench_lookup_"))
    try:
        ours_size = dir_size(export_saved_model(ours_model, workdir / "ours" / "1"))
        peer_model.export(str(workdir / "peer"), verbose=False)  # Keras' documented export path
        peer_size = dir_size(workdir / "peer")
    finally:
        shutil.rmtree(workdir)

    mb = 1e6
    rows = [("measure", "GloveLookup", "TextVectorization+Embedding", "peer / ours")]
    rows.append(
        (
            "build from 400k words (s)",
            f"{ours_build:.3f}",
            f"{peer_build:.3f}",
            f"{peer_build / ours_build:.2f}",
        )
    )
    rows.append(
        (
            f"lookup texts/s (batch {BATCH})",
            f"{ours_tput:,.0f}",
            f"{peer_tput:,.0f}",
            f"{peer_tput / ours_tput:.2f}",
        )
    )
    rows.append(
        (
            f"export MB (raw words+matrix {raw / mb:.1f})",
            f"{ours_size / mb:.1f} ({ours_size / raw:.2f}x)",
            f"{peer_size / mb:.1f} ({peer_size / raw:.2f}x)",
            f"{peer_size / ours_size:.2f}",
        )
    )
    rows.append(
        (
            f"lookup texts/s, both tweet-standardised (batch {BATCH})",
            f"{ours_tput:,.0f}",
            f"{same_tput:,.0f}",
            f"{same_tput / ours_tput:.2f}",
        )
    )
    print(f"tweets: {tweets_csv()}  cpu threads: {os.cpu_count()}")
    print(table(rows))


if __name__ == "__main__":
    main()
