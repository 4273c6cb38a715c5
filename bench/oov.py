"""Share of tokens of Kaggle's test.csv missing from GloVe 6B, per standardisation.

Run: .venv/bin/python bench/oov.py  (make bench). The old design split on blanks with
no lowercasing (35.6% OOV); the target for mode "tweet" is <= 7%.
"""

from __future__ import annotations

import csv

import tensorflow as tf
from common import table, tweets_csv

from glove_lookup import WordVectors, standardize


def main() -> None:
    path = tweets_csv()
    with path.open(newline="", encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    vocabulary = set(WordVectors.load("glove-6b-50d").words)
    modes = {
        "old design (split on blanks)": None,
        "lowercase only": lambda t: tf.strings.lower(t, encoding="utf-8"),
        "lower_and_strip_punctuation": "lower_and_strip_punctuation",
        "tweet (default)": "tweet",
    }
    rows = [("standardize", "tokens", "OOV tokens", "OOV %")]
    for label, mode in modes.items():
        tokens = [
            t.decode("utf-8")
            for t in tf.strings.split(standardize(tf.constant(texts), mode)).flat_values.numpy()
        ]
        missing = sum(token not in vocabulary for token in tokens)
        rows.append((label, f"{len(tokens):,}", f"{missing:,}", f"{100 * missing / len(tokens):.1f}"))
    print(f"{path} ({len(texts):,} texts)")
    print(table(rows))


if __name__ == "__main__":
    main()
