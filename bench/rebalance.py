"""undersample / oversample on 1M rows x 5 columns, 3 classes, vs imbalanced-learn.

Run: .venv/bin/python bench/rebalance.py  (make bench). Prints seconds and peer/ours ratios.
The peers get the same frame (features as a DataFrame, labels as a Series) and return a
DataFrame too, so both sides pay for building the result.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from imblearn.over_sampling import RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler

# This script shares its name with the package: take bench/ off the path to import the
# package, then put it back for the shared helpers.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.modules.pop("rebalance", None)
from rebalance import oversample, undersample  # noqa: E402

sys.path.insert(0, str(HERE))
from common import best_of, table  # noqa: E402

ROWS = 1_000_000


def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "id": np.arange(ROWS),
            "score": rng.normal(size=ROWS),
            "count": rng.integers(0, 100, size=ROWS),
            "text": pd.Series(rng.integers(0, 1000, size=ROWS)).map("tweet {}".format),
            "target": rng.choice([0, 1, 2], size=ROWS, p=[0.6, 0.3, 0.1]),
        }
    )


def main() -> None:
    df = frame()
    features, labels = df.drop(columns="target"), df["target"]
    ours_under, out = best_of(lambda: undersample(df, seed=0))
    peer_under, _ = best_of(lambda: RandomUnderSampler(random_state=0).fit_resample(features, labels))
    ours_over, out2 = best_of(lambda: oversample(df, seed=0))
    peer_over, _ = best_of(lambda: RandomOverSampler(random_state=0).fit_resample(features, labels))
    rows = [("operation", "rebalance (s)", "imbalanced-learn (s)", "peer / ours")]
    rows.append(("undersample", f"{ours_under:.3f}", f"{peer_under:.3f}", f"{peer_under / ours_under:.2f}"))
    rows.append(("oversample", f"{ours_over:.3f}", f"{peer_over:.3f}", f"{peer_over / ours_over:.2f}"))
    counts = df["target"].value_counts().sort_index().tolist()
    print(f"{ROWS:,} rows x {df.shape[1]} columns, class counts {counts}; best of 3")
    print(f"undersample -> {len(out):,} rows, oversample -> {len(out2):,} rows")
    print(table(rows))


if __name__ == "__main__":
    main()
