"""Where the n-gram TF-IDF layer's time goes, beside the whole BiLSTM peer, in one process.

Run: .venv/bin/python bench/ngram_layer.py [--rounds=N]   (needs Kaggle's train.csv)

The layer is fitted on 6,000 of Kaggle's training tweets (``ngram_tfidf.fit_logistic``);
each stage's graph runs the stages before it too, so the printed times are cumulative and
each step is the difference from the one before: the light cleaning, character n-gram keys,
word n-gram keys, the hash-table lookup, dropping empty and unknown slots, counting the
distinct (text, column) pairs, then the whole layer (TF-IDF values, norms, dot product).
The peer (TextVectorization + frozen GloVe + BiLSTM(64), bench/classifier.py's, 2 epochs:
its speed does not depend on its training) is timed in the same rounds, alternating, on the
same 256 tweets. Medians of the rounds; compare the ratios, the machine's speed moves.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from classifier import bilstm_fit, bilstm_peer, load

STAGES = ("clean", "char keys", "word keys", "lookup", "known pairs", "count pairs")


def stage_graph(layer: Any, stage: str) -> Callable[[Any], Any]:
    """A tf.function running the layer's work up to ``stage`` (inclusive)."""
    import tensorflow as tf

    from ngram_tfidf import clean
    from ngram_tfidf.keys import char_ngram_keys, token_fingerprints, word_ngram_keys

    size = tf.constant(layer.vocabulary_size, tf.int64)

    def run(texts: Any) -> Any:
        cleaned = clean(texts)
        if stage == "clean":
            return tf.size(cleaned)
        char_rows, char_keys = char_ngram_keys(cleaned)
        if stage == "char keys":
            return tf.size(char_keys)
        word_rows, word_keys = word_ngram_keys(token_fingerprints(cleaned))
        if stage == "word keys":
            return tf.size(char_keys) + tf.size(word_keys)
        rows = tf.concat([char_rows, word_rows], 0)
        column = layer._table.lookup(tf.concat([char_keys, word_keys], 0))
        if stage == "lookup":
            return tf.reduce_sum(column)
        pairs = tf.boolean_mask(rows * size + column, column >= 0)
        if stage == "known pairs":
            return tf.reduce_sum(pairs)
        return tf.reduce_sum(tf.unique_with_counts(pairs, out_idx=tf.int64)[2])

    return tf.function(run, input_signature=[tf.TensorSpec([None], tf.string)])


def main() -> None:
    import tensorflow as tf

    from glove_lookup import WordVectors
    from ngram_tfidf import fit_logistic

    rounds = next((int(a.split("=", 1)[1]) for a in sys.argv[1:] if a.startswith("--rounds=")), 7)
    texts, y = load()
    layer = fit_logistic(texts[:6000], y[:6000]).layer
    peer = bilstm_fit(bilstm_peer(WordVectors.load("glove-6b-50d")), texts[:6000], y[:6000], epochs=2)
    graphs: dict[str, Callable[[Any], Any]] = {s: stage_graph(layer, s) for s in STAGES}
    signature = [tf.TensorSpec([None], tf.string)]
    graphs["whole layer"] = tf.function(lambda t: layer(t), input_signature=signature)
    graphs["BiLSTM peer, whole model"] = tf.function(lambda t: peer(t), input_signature=signature)
    for size in (256, 1):
        batch = tf.constant(texts[6000 : 6000 + size])
        calls = 20 if size == 256 else 200
        times: dict[str, list[float]] = {name: [] for name in graphs}
        for graph in graphs.values():
            graph(batch)
        for _ in range(rounds):
            for name, graph in graphs.items():
                started = time.perf_counter()
                for _ in range(calls):
                    graph(batch)
                times[name].append((time.perf_counter() - started) / calls * 1e3)
        print(f"batch {size}: median of {rounds} rounds x {calls} calls (ms per call)")
        before = 0.0
        for name in graphs:
            ms = statistics.median(times[name])
            step = f"{ms - before:+7.2f}" if name in STAGES or name == "whole layer" else ""
            print(f"  {name:26s} {ms:7.2f}  {step}")
            before = ms if name in STAGES else before
        layer_ms = statistics.median(times["whole layer"])
        peer_ms = statistics.median(times["BiLSTM peer, whole model"])
        print(f"  the layer alone takes {layer_ms / peer_ms:.2f}x the whole peer's time")


if __name__ == "__main__":
    main()
