"""`make demo`'s headline: the four tweets come out as README.md shows, whatever the seed."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


def readme_demo() -> list[tuple[str, int]]:
    """(text, label) of the demo output block in README.md."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- demo-output -->")[1].split("<!-- /demo-output -->")[0]
    rows = list(csv.DictReader(io.StringIO(block.strip().strip("`").strip())))
    return [(row["text"], int(row["label"])) for row in rows]


def test_the_readme_shows_the_tweets_the_makefile_classifies() -> None:
    shown = readme_demo()
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert len(shown) == 4 and {label for _, label in shown} == {0, 1}
    assert all(f'"{text}"' in makefile for text, _ in shown)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_demo_tweets_are_classified_as_the_readme_says(glove, seed: int) -> None:
    from tweet_classifier import TrainConfig, read_tweets, sample_csv, train

    shown = readme_demo()
    result = train(read_tweets(sample_csv(), labelled=True), glove, None, TrainConfig(seed=seed), verbose=0)
    probability = result.model(np.array([text for text, _ in shown])).numpy().ravel()
    labels = (probability >= 0.5).astype(int).tolist()  # the demo keeps 0.5 on 80 tweets
    assert result.metrics.threshold == 0.5 and labels == [label for _, label in shown], probability
