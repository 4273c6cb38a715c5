"""Two Kaggle submissions scored on the same held-out tweets, with a paired bootstrap.

Run: .venv/bin/python bench/holdout.py --labels LABELS.csv A.csv B.csv [--rounds 10000] [--seed 0]

LABELS.csv and both submissions are ``id,target`` CSVs (0/1). Every labelled id must be in
both submissions. The bootstrap draws the same tweets (with replacement) for A and B in
each round, so it measures the difference on this test set, not two independent spreads.
Prints F1 of class 1 for each, B - A, the bootstrap standard error and 95% interval of that
difference, and the share of rounds in which B was not better.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

from tweet_classifier.lockbox import bootstrap_differences, f1_rows


def read_targets(path: Path) -> dict[str, int]:
    """``id -> target`` of an ``id,target`` CSV; exits with one line naming the file and row."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or not {"id", "target"} <= set(reader.fieldnames):
                raise SystemExit(f"{path}: needs the columns id,target (has {reader.fieldnames})")
            targets = {}
            for line, row in enumerate(reader, start=2):
                if row["target"] not in ("0", "1"):
                    raise SystemExit(f"{path}:{line}: target must be 0 or 1, got {row['target']!r}")
                targets[row["id"]] = int(row["target"])
            return targets
    except OSError as error:
        raise SystemExit(f"{path}: {error.strerror}") from None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, required=True, help="id,target of the held-out tweets")
    parser.add_argument("a", type=Path, help="submission A (id,target)")
    parser.add_argument("b", type=Path, help="submission B (id,target)")
    parser.add_argument("--rounds", type=int, default=10_000, help="bootstrap rounds (default 10000)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.rounds < 100:
        parser.error(f"--rounds must be at least 100, got {args.rounds}")
    labels = read_targets(args.labels)
    if not labels:
        raise SystemExit(f"{args.labels}: no labelled rows")
    ids = sorted(labels)
    truth = np.array([labels[i] for i in ids], bool)
    predicted = []
    for path in (args.a, args.b):
        submission = read_targets(path)
        missing = [i for i in ids if i not in submission]
        if missing:
            raise SystemExit(f"{path}: {len(missing)} labelled ids missing, e.g. id {missing[0]}")
        predicted.append(np.array([submission[i] for i in ids], bool))
    f1_a, f1_b = (float(f1_rows(truth, p)) for p in predicted)
    diffs = bootstrap_differences(truth, predicted[1], predicted[0], args.rounds, args.seed)
    low, high = np.percentile(diffs, [2.5, 97.5])
    print(f"{len(ids):,} labelled tweets, {args.rounds:,} paired bootstrap rounds")
    print(f"A {args.a.name}: F1 {f1_a:.4f}")
    print(f"B {args.b.name}: F1 {f1_b:.4f}")
    print(
        f"B - A: {f1_b - f1_a:+.4f}, bootstrap s.e. {diffs.std(ddof=1):.4f}, "
        f"95% interval [{low:+.4f}, {high:+.4f}], B not better in {np.mean(diffs <= 0):.1%} of rounds"
    )


if __name__ == "__main__":
    sys.exit(main())
