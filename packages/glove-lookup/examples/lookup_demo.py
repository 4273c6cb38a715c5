"""Show GloveLookup at work: standardise and look up a few tweets, print tokens, OOV words, norms.

Usage: python lookup_demo.py SAMPLE.csv [--vectors glove-6b-50d|PATH] [--rows N] [--sequence-length L]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "csv", type=Path, help="a CSV with a 'text' column (e.g. the team's sample_tweets.csv)"
    )
    parser.add_argument(
        "--vectors", default="glove-6b-50d", help="builtin name or vector file (default: %(default)s)"
    )
    parser.add_argument("--rows", type=int, default=6, help="how many tweets to show (default: %(default)s)")
    parser.add_argument(
        "--sequence-length", type=int, default=30, help="tokens per tweet (default: %(default)s)"
    )
    args = parser.parse_args(argv)

    try:
        with args.csv.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if "text" not in (reader.fieldnames or []):
                print(f"error: {args.csv}: no 'text' column (columns: {reader.fieldnames})", file=sys.stderr)
                return 2
            texts = [row["text"] for _, row in zip(range(args.rows), reader, strict=False)]
    except (OSError, UnicodeDecodeError) as err:
        print(f"error: {args.csv}: {err}", file=sys.stderr)
        return 2

    import numpy as np
    import tensorflow as tf

    from glove_lookup import GloveLookup, GloveLookupError, WordVectors, standardize

    started = time.perf_counter()
    try:
        vectors = WordVectors.load(args.vectors)
    except (GloveLookupError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    loaded = time.perf_counter()
    layer = GloveLookup(vectors, sequence_length=args.sequence_length)
    built = time.perf_counter()
    print(
        f"vectors: {args.vectors}: {len(vectors):,} words x {vectors.dim} dims, "
        f"loaded in {loaded - started:.2f} s"
    )
    print(f"layer:   GloveLookup(sequence_length={args.sequence_length}) built in {built - loaded:.2f} s\n")

    batch = tf.constant(texts)
    tokens = tf.strings.split(standardize(batch)).to_list()
    ids = layer.token_ids(batch).numpy()
    norms = np.linalg.norm(layer(batch).numpy(), axis=-1)
    total = oov = 0
    for text, toks, row_ids, row_norms in zip(texts, tokens, ids, norms, strict=True):
        words = [t.decode("utf-8") for t in toks][: args.sequence_length]
        missing = [w for w, i in zip(words, row_ids, strict=False) if i == 1]
        total, oov = total + len(words), oov + len(missing)
        print(f"tweet:  {text}")
        print(f"tokens: {' | '.join(words)}")
        print(f"ids:    {row_ids[: len(words)].tolist()}")
        print(f"OOV:    {missing if missing else 'none'}")
        print(f"norms:  {' '.join(f'{n:.2f}' for n in row_norms[: len(words)])}  (padding: 0.00)\n")
    print(f"{oov} of {total} tokens out of vocabulary ({100 * oov / max(total, 1):.1f}%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
