"""The explain signature's cost, and what the extra signatures cost serving_default (nothing, we hope).

Run: .venv/bin/python bench/explain.py [--rounds 5] [--model-dir BASE] [--versus BASE]  (make bench).
Uses bench/serve.py's model (trained on Kaggle's train.csv once, cached) unless --model-dir names
another TF Serving base path (its highest version). "serving_default only" is the same SavedModel
re-saved with serving_default alone: the export as it was before explain and oov_share.
Timings alternate between the two exports, round by round, in one process. --versus times
another export's explain in the same alternating rounds (e.g. a model trained with other
hyperparameters) and prints the ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from common import table
from serve import model_base, tweets


def per_call_ms(fn: Any, texts: Any, repeat: int) -> float:
    fn(text=texts)  # warm-up (traces, allocates)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(text=texts)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def shortened(texts: list[str]) -> list[str]:
    """Every text without one of its first MAX_WORDS words: what explain scores."""
    from tweet_classifier.signatures import MAX_WORDS

    out = []
    for text in texts:
        words = text.split()
        out += [" ".join(words[:i] + words[i + 1 :]) for i in range(min(len(words), MAX_WORDS))]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (default: %(default)s)")
    parser.add_argument("--model-dir", type=Path, help="a TF Serving base path (default: serve.py's model)")
    parser.add_argument("--versus", type=Path, help="another base path whose explain is timed alongside")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    from tweet_classifier.artifacts.versions import resolve_version
    from tweet_classifier.errors import ModelDirError

    try:
        version = resolve_version(args.model_dir or model_base())
        versus_dir = resolve_version(args.versus) if args.versus else None
    except ModelDirError as error:
        raise SystemExit(str(error)) from None
    loaded = tf.saved_model.load(str(version))
    other = tf.saved_model.load(str(versus_dir)).signatures["explain"] if versus_dir else None
    with tempfile.TemporaryDirectory() as scratch:
        alone = Path(scratch) / "1"
        tf.saved_model.save(
            loaded, str(alone), signatures={"serving_default": loaded.signatures["serving_default"]}
        )
        before = tf.saved_model.load(str(alone)).signatures["serving_default"]
        after = loaded.signatures["serving_default"]
        explain = loaded.signatures["explain"]
        texts = tweets()
        batch = tf.constant(texts[:256])
        words = sum(len(t.split()) for t in texts[:256])
        rounds: dict[str, list[float]] = {"before": [], "after": [], "explain": [], "versus": []}
        for _ in range(args.rounds):
            rounds["before"].append(per_call_ms(before, batch, 10))
            rounds["after"].append(per_call_ms(after, batch, 10))
            rounds["explain"].append(per_call_ms(explain, batch, 5))
            if other is not None:
                rounds["versus"].append(per_call_ms(other, batch, 5))
        explain_256 = statistics.median(rounds["explain"])
        # what explain cost when it rebuilt the shortened texts and read them again
        reread = per_call_ms(after, tf.constant(texts[:256] + shortened(texts[:256])), 5)
        explain_1 = per_call_ms(explain, tf.constant(texts[:1]), 20)
        oov_256 = per_call_ms(loaded.signatures["oov_share"], batch, 10)
    b, a = statistics.median(rounds["before"]), statistics.median(rounds["after"])

    def row(call: str, ms: float, tweets: int = 256) -> tuple[str, str, str, str]:
        return (call, f"{ms:.1f}", f"{tweets / ms * 1000:,.0f}", f"{ms / b:.2f}" if tweets == 256 else "")

    rows = [
        ("call", "ms", "tweets/s", "vs serving_default only"),
        row("serving_default, batch 256 (serving_default only)", b),
        row("serving_default, batch 256 (with explain, oov_share)", a),
        row("explain, batch 256", explain_256),
        row("serving_default on those 256 + their shortened texts (explain before)", reread),
        row("explain, 1 tweet", explain_1, tweets=1),
        row("oov_share, batch 256", oov_256),
    ]
    print(f"model: {version}; {args.rounds} alternating rounds, medians; 256 test tweets ({words:,} words)")
    if other is not None:
        versus = statistics.median(rounds["versus"])
        rows.append(row(f"explain, batch 256, --versus {args.versus}", versus))
        print(f"--versus: its explain takes {versus / explain_256:.2f}x this model's")
    print(table(rows))
    print(
        f"\nexplain target (issue 25): <= 120 ms for 256 tweets; measured {explain_256:.0f} ms "
        f"({explain_256 / 120:.2f}x the target); {reread / explain_256:.2f}x faster than re-reading "
        "the shortened texts"
    )


if __name__ == "__main__":
    main()
